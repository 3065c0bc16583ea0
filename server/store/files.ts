// Durable whole-file writes, for the published files (docs/collector-store.md): a temporary
// name, fsync, rename, fsync of the directory, so that a file either is there whole after a
// crash or is not there at all.
import { randomBytes } from 'node:crypto';
import { close as closeCb, fsync as fsyncCb, open as openCb, write as writeCb } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

// The callback API, promisified: cheaper per call than fs/promises' FileHandle, and a busy
// server makes several of these calls per merge.
const openFd = promisify(openCb);
const closeFd = promisify(closeCb);
const fsyncFd = promisify(fsyncCb);
const writeFd = (
  descriptor: number,
  data: Uint8Array,
  offset: number,
  length: number,
): Promise<number> =>
  new Promise((resolve, reject) =>
    writeCb(descriptor, data, offset, length, null, (err, written) =>
      err ? reject(err) : resolve(written),
    ),
  );

/** fsync of a directory, so that a rename or a new entry in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fd = await openFd(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

/**
 * Creates `dir` and its missing parents, syncing each parent whose entry is new, so the
 * directory itself survives a crash; returns whether anything was created.
 */
export async function makeDurableDir(dir: string): Promise<boolean> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return false;
  for (let d = dir; ; d = dirname(d)) {
    await syncDir(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
  return true;
}

/** Writes `data` to `file` whole: temporary file, fsync, rename over `file`, fsync of the directory (made first unless `makeDir` is false). */
export async function writeDurable(
  file: string,
  data: string | Uint8Array,
  makeDir = true,
): Promise<void> {
  const dir = dirname(file);
  if (makeDir) await makeDurableDir(dir);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = await openFd(tmp, 'wx', 0o644);
  try {
    for (let at = 0; at < bytes.length; ) at += await writeFd(fd, bytes, at, bytes.length - at);
    await fsyncFd(fd);
  } catch (e) {
    await closeFd(fd).catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await closeFd(fd);
  await rename(tmp, file);
  await syncDir(dir);
}

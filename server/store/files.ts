// Durable whole-file writes for the directory store: a temporary name, fsync, rename, fsync of
// the directory, so that a file either is there whole after a crash or is not there at all.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** fsync of a directory, so that a rename or a new entry in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
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
export async function writeDurable(file: string, data: string | Uint8Array, makeDir = true): Promise<void> {
  const dir = dirname(file);
  if (makeDir) await makeDurableDir(dir);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const h = await open(tmp, 'wx', 0o644);
  try {
    await h.writeFile(data);
    await h.sync();
  } catch (e) {
    await h.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await h.close();
  await rename(tmp, file);
  await syncDir(dir);
}

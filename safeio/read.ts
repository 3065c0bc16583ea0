// The one way the toolkit reads a file it did not just write (settings, package.json, count
// files for the CLI and the uploader). Any path may hold anything: a
// FIFO (a blocking open would hang the host), a device such as /dev/zero (a read would never
// end), a directory, a file of gigabytes. So: a cheap stat first (most settings files are
// absent, and a failed open builds an Error, ~0.1 ms cold), then a non-blocking open, fstat
// on the descriptor, regular files only, at most `cap` bytes. Never throws.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** Why a file gave no text. `absent` is the ordinary case of a file nobody wrote yet. */
export interface Unreadable {
  file: string;
  absent: boolean;
  /** Short and lowercase, e.g. `permission denied`, `is a directory`. */
  reason: string;
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer. O_NOCTTY: a terminal
// device must never become the host's controlling terminal. Both are 0 where they do not exist.
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** The file's text, or why there is none. */
export function readText(file: string, cap: number): string | Unreadable {
  const bytes = readBytes(file, cap);
  return bytes instanceof Uint8Array
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')
    : bytes;
}

/**
 * The file's bytes, or why there are none. `vet`, when given, may refuse the file as well,
 * judged on the open descriptor's status (e.g. who owns it).
 */
export function readBytes(
  file: string,
  cap: number,
  vet?: (st: Stats) => string | null,
): Uint8Array | Unreadable {
  let fd: number | undefined;
  try {
    const pre = statSync(file, { throwIfNoEntry: false });
    if (pre === undefined) return { file, absent: true, reason: 'no such file' };
    // Refused before opening: opening some devices has side effects (a tape rewinds).
    const early = refusal(pre, cap);
    if (early) return { file, absent: false, reason: early };
    fd = openSync(file, FLAGS);
    const st = fstatSync(fd);
    const late = refusal(st, cap) ?? vet?.(st) ?? null; // it may have been replaced between stat and open
    if (late) return { file, absent: false, reason: late };
    const buf = new Uint8Array(st.size);
    let n = 0;
    for (let got = 1; n < buf.length && got > 0; n += got)
      got = readSync(fd, buf, n, buf.length - n, n);
    return n === buf.length ? buf : buf.subarray(0, n);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const absent = err.code === 'ENOENT' || err.code === 'ENOTDIR';
    return { file, absent, reason: absent ? 'no such file' : errnoReason(err) };
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Nothing left to do with it.
      }
    }
  }
}

export function isUnreadable(result: string | Uint8Array | Unreadable): result is Unreadable {
  return typeof result !== 'string' && !(result instanceof Uint8Array);
}

/** Why a file of this kind and size is not read at all, or null when it may be. */
export function refusal(stats: Stats, cap: number): string | null {
  if (stats.isDirectory()) return 'is a directory';
  if (!stats.isFile()) return `is not a regular file (${kind(stats)})`;
  if (stats.size > cap) return `is too large (${stats.size} bytes; the limit is ${size(cap)})`;
  return null;
}

function kind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

function size(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

/** Short words for the errors a reader meets; anything rarer keeps Node's own message. */
function errnoReason(err: NodeJS.ErrnoException): string {
  return err.code === 'EACCES' || err.code === 'EPERM'
    ? 'permission denied'
    : err.code === 'EISDIR'
      ? 'is a directory'
      : err.message;
}

/** `<file>: <reason>`, as messages and the policy's reasons name an unreadable file. */
export function unreadableText(problem: Unreadable): string {
  return `${problem.file}: ${problem.reason}`;
}

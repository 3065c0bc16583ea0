// Reserving a file's blocks before any process reaches them through a mapping. A store into a
// hole of a mapped file needs a block at that very moment; when the file system has none left
// the kernel raises SIGBUS, which kills the host (no JavaScript can catch it). fallocate(2)
// with mode 0 allocates the blocks up front or fails with an errno we can act on, and never
// changes bytes that are already there, so it is safe while other processes write through
// their mappings (writing zeros would not be: it could wipe a record placed a moment before).
// Not glibc's posix_fallocate: where a file system lacks fallocate it emulates it by writing
// zeros. Through the chosen backend's native layer (the addon's own fallocate, else koffi's);
// on Windows by growing the file through a section (win32.ts).
import { backend } from './select.js';
import { Win32Error, reserveWin32 } from './win32.js';

export class ReserveError extends Error {
  constructor(
    readonly errno: number,
    readonly code: string,
    reason: string,
    call = 'fallocate',
  ) {
    super(`${call}: ${code} (${reason})`);
    this.name = 'ReserveError';
  }
}

/**
 * Whether `reserve` allocates blocks here: Linux through fallocate, Windows by growing the file
 * through a section (win32.ts). On other platforms files stay sparse as before (docs/count-file.md, Mapping backends,
 * says what that risks).
 */
export const RESERVES = process.platform === 'linux' || process.platform === 'win32';

const EINTR = 4;
/** Linux errno values fallocate(2) returns (the same on every Linux architecture we load on). */
const ERRORS: Record<number, [string, string]> = {
  28: ['ENOSPC', 'no space left on device'],
  122: ['EDQUOT', 'disk quota exceeded'],
  27: ['EFBIG', 'file too large'],
  95: ['EOPNOTSUPP', 'the file system cannot reserve blocks'],
  38: ['ENOSYS', 'the kernel cannot reserve blocks'],
  5: ['EIO', 'input/output error'],
  9: ['EBADF', 'bad file descriptor'],
  22: ['EINVAL', 'invalid argument'],
  1: ['EPERM', 'operation not permitted'],
  19: ['ENODEV', 'not a regular file'],
  26: ['ETXTBSY', 'text file busy'],
};

/**
 * Allocates the blocks of bytes [offset, offset + length) of `descriptor`; if that reaches past the
 * file's end, the file's size becomes offset + length, only once the blocks are there. Throws
 * a `ReserveError` (or an Error when there is no native layer). Does nothing where `RESERVES`
 * is false. Cheap for bytes already allocated.
 */
export function reserve(descriptor: number, offset: number, length: number): void {
  if (!RESERVES || length <= 0) return;
  if (process.platform === 'win32') return reserveOnWindows(descriptor, offset + length);
  const call = fallocateFn();
  for (let tries = 0; ; tries++) {
    const errno = call(descriptor, offset, length);
    if (errno === 0) return;
    if (errno === EINTR && tries < 8) continue; // interrupted by a signal: nothing was lost
    const [code, reason] = ERRORS[errno] ?? [`E${errno}`, `errno ${errno}`];
    throw new ReserveError(errno, code, reason);
  }
}

function fallocateFn(): (descriptor: number, offset: number, length: number) => number {
  const chosen = backend();
  if (!chosen?.reserve) throw new Error('no native layer to reserve blocks');
  const call = chosen.reserve;
  return (descriptor, offset, length) => {
    try {
      return call(descriptor, offset, length);
    } catch (error) {
      throw new Error(
        `no native layer to reserve blocks: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  };
}

function reserveOnWindows(descriptor: number, end: number): void {
  try {
    reserveWin32(descriptor, end);
  } catch (error) {
    if (!(error instanceof Win32Error)) throw error;
    const reason = `the file could not grow to ${end} bytes`;
    throw new ReserveError(error.code, error.symbol, reason, 'CreateFileMappingW');
  }
}

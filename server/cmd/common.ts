// What every vendor command shares: exit codes, the user-facing error, and reading a small
// regular file without following a link or hanging on a FIFO.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { formatVerifier, parseSigner } from '../../config/index.js';

/** Exit codes: 0 ok, 1 a refusal or failure, 2 the command line was wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error meant for the user: printed as `error: <message>`, never with a stack. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The bytes of `file`, which must be a regular file (not a link, FIFO or device) of at most
 * `cap` bytes. O_NONBLOCK: opening a FIFO put in the file's place never blocks.
 */
export function readRegular(file: string, cap: number, what: string): { data: Buffer; mode: number } {
  let fd: number;
  try {
    if (!lstatSync(file).isFile()) throw new CliError(`${what} ${file} is not a regular file`);
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? why(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CliError(`${what} ${file} is not a regular file`);
    if (st.size > cap) throw new CliError(`${what} ${file} is ${st.size} bytes, over the ${cap} allowed`);
    // Read one byte past the size seen: a file that grew meanwhile is refused, never cut short.
    const buf = Buffer.alloc(st.size + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    if (n > st.size) throw new CliError(`${what} ${file} changed while it was read`);
    return { data: buf.subarray(0, n), mode: st.mode & 0o777 };
  } finally {
    closeSync(fd);
  }
}

/** The verifier key text of a signer key (c2sp.org/signed-note §"Verifier keys"). */
export function verifierOf(signerKey: string): { name: string; verifier: string } {
  const s = parseSigner(signerKey);
  return { name: s.name, verifier: formatVerifier(s) };
}

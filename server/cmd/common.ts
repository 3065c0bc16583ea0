// What every vendor command shares: exit codes, the user-facing error, and reading a small
// regular file without hanging on a FIFO (the toolkit's safe reader).
import { statSync } from 'node:fs';
import { CodedError, formatVerifier, parseSigner, why } from '../../config/index.js';

export { why };
import { isUnreadable, readBytes } from '../../safeio/index.js';

/** Exit codes: 0 ok, 1 a refusal or failure, 2 the command line was wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * An error meant for the user: printed as `error: <message>`, never with a stack. The toolkit's
 * CodedError (config/) with the two codes a command line needs; `exitCode` follows from the code.
 */
export class CliError extends CodedError<'EREFUSED' | 'EUSAGE'> {
  override name = 'CliError';
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_FAILURE, options?: ErrorOptions) {
    super(exitCode === EXIT_USAGE ? 'EUSAGE' : 'EREFUSED', message, options);
    this.exitCode = exitCode;
  }
}

/**
 * The bytes of `file`, which must be a regular file (not a FIFO or device) of at most `cap`
 * bytes, read by the toolkit's one safe reader (safeio), and its permission bits.
 */
export function readRegular(
  file: string,
  cap: number,
  what: string,
): { data: Buffer; mode: number } {
  const r = readBytes(file, cap);
  if (isUnreadable(r)) throw new CliError(`cannot read ${what} ${file}: ${r.reason}`);
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (e) {
    throw new CliError(
      `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? why(e)}`,
    );
  }
  return { data: Buffer.from(r.buffer, r.byteOffset, r.byteLength), mode };
}

/** The verifier key text of a signer key (c2sp.org/signed-note §"Verifier keys"). */
export function verifierOf(signerKey: string): { name: string; verifier: string } {
  const s = parseSigner(signerKey);
  return { name: s.name, verifier: formatVerifier(s) };
}

/** A private key file's text: a regular file of at most 4 KiB that group and others cannot read. */
export function readSecretKey(file: string, what: string): string {
  const { data, mode } = readRegular(file, 4096, what);
  if (mode & 0o077)
    throw new CliError(
      `${what} ${file} has mode 0${mode.toString(8)}; others may read it: chmod 600 ${file}`,
    );
  return data.toString('utf8').trim();
}

/** A verifier key given on the command line, parsed, or a usage error naming the option. */
export function keyOption<T>(option: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (e) {
    throw new CliError(`${option}: ${why(e)}`, EXIT_USAGE);
  }
}

/** commander's collector for an option that may be given more than once. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A whole-number flag within [min, max]; a usage error naming the flag and the range otherwise. */
export function intIn(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    const range = `a whole number from ${min} to ${max}`;
    throw new CliError(`${flag} ${JSON.stringify(text)} is not ${range}`, EXIT_USAGE);
  }
  return n;
}

/** `--now`'s day: a real `YYYY-MM-DD` date, as epoch ms at its UTC midnight; a usage error else. */
export function dayFlag(day: string): number {
  const start = Date.parse(`${day}T00:00:00Z`);
  const real = !Number.isNaN(start) && new Date(start).toISOString().slice(0, 10) === day;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !real) {
    throw new CliError(`--now: ${JSON.stringify(day)} is not a YYYY-MM-DD date`, EXIT_USAGE);
  }
  return start;
}

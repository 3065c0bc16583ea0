// `telemetry-server keygen <name> --out <file> [--witness]`: a new Ed25519 key pair, for a log
// (type 0x01, c2sp.org/signed-note) or a witness (type 0x04, c2sp.org/tlog-cosignature). The
// signer (private) key goes only to <file>, mode 0600, never over an existing file and never
// half-written; the verifier key, which clients pin, is all that stdout carries.
import { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  linkSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { generateKey, generateWitnessKey } from '../../config/index.js';
import { CliError, why } from './common.js';

const HELP = `
The name of a log key is the log's origin: clients check that every checkpoint names it. A
witness key (--witness) cosigns a log's checkpoints (telemetry-server cosign); clients that pin
it count its cosignatures. Keep <file> secret; publish the verifier key printed on stdout.

Examples:
  $ telemetry-server keygen collector.example.com/config --out config.key > config.vkey
  $ telemetry-server keygen witness.example.org/w1 --witness --out witness.key > witness.vkey
`;

export function keygenCommand(): Command {
  return new Command('keygen')
    .description(
      'make a signing key pair: the private key goes to --out (mode 0600), the verifier key to stdout',
    )
    .argument(
      '<name>',
      'key name: the log origin (e.g. collector.example.com/config) or the witness name',
    )
    .requiredOption('--out <file>', 'where to write the private (signer) key; must not exist')
    .option('--witness', 'make a witness (cosigner) key, type 0x04, instead of a log key')
    .addHelpText('after', HELP)
    .action((name: string, opts: { out: string; witness?: boolean }) => {
      let key: { signer: string; verifier: string };
      try {
        key = opts.witness ? generateWitnessKey(name) : generateKey(name);
      } catch (e) {
        throw new CliError(why(e));
      }
      writeNew(opts.out, key.signer + '\n');
      process.stdout.write(key.verifier + '\n');
      process.stderr.write(
        `wrote the private ${opts.witness ? 'witness ' : ''}key to ${opts.out} (mode 0600); keep it secret\n`,
      );
    });
}

/**
 * Creates `file` with mode 0600 holding `text`, whole or not at all: the text goes to a new
 * temporary file beside it (0600 from its creation), synced, then hard-linked to `file`, which
 * fails rather than replace anything there; the temporary name is removed in every case.
 */
export function writeNew(file: string, text: string): void {
  const tmp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  let fd: number;
  try {
    fd = openSync(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (e) {
    throw new CliError(`cannot create ${file}: ${(e as NodeJS.ErrnoException).code ?? why(e)}`);
  }
  try {
    try {
      fchmodSync(fd, 0o600); // the umask may only remove bits, but say it exactly
      const data = Buffer.from(text, 'utf8');
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new CliError(`${file} already exists; refusing to overwrite a key`);
    throw new CliError(`cannot write ${file}: ${code ?? why(e)}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

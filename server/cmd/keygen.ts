// `telemetry-server keygen <name> --out <file>`: a new Ed25519 note key pair. The signer
// (private) key goes only to <file>, created with mode 0600 and never over an existing file;
// the verifier key, which clients pin, is all that stdout carries.
import { Command } from 'commander';
import { closeSync, constants, fchmodSync, openSync, writeSync } from 'node:fs';
import { generateKey } from '../../config/index.js';
import { CliError, why } from './common.js';

const HELP = `
The name is the log's origin: clients check that every checkpoint names it. Keep <file>
secret; publish the verifier key printed on stdout with your tool.

Examples:
  $ telemetry-server keygen collector.example.com/config --out config.key > config.vkey
`;

export function keygenCommand(): Command {
  return new Command('keygen')
    .description('make a signing key pair: the private key goes to --out (mode 0600), the verifier key to stdout')
    .argument('<name>', 'key name, also the log origin (e.g. collector.example.com/config)')
    .requiredOption('--out <file>', 'where to write the private (signer) key; must not exist')
    .addHelpText('after', HELP)
    .action((name: string, opts: { out: string }) => {
      let key: { signer: string; verifier: string };
      try {
        key = generateKey(name);
      } catch (e) {
        throw new CliError(why(e));
      }
      writeNew(opts.out, key.signer + '\n');
      process.stdout.write(key.verifier + '\n');
      process.stderr.write(`wrote the private key to ${opts.out} (mode 0600); keep it secret\n`);
    });
}

/** Creates `file` with mode 0600 and writes `text`; never replaces or follows anything there. */
function writeNew(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliError(`${file} already exists; refusing to overwrite a key`);
    throw new CliError(`cannot create ${file}: ${code ?? why(e)}`);
  }
  try {
    fchmodSync(fd, 0o600); // the umask may only remove bits, but say it exactly
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

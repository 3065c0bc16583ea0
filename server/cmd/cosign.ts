// `telemetry-server cosign --log <dir> --key <log vkey> --witness-key <file> --state <dir>`: a
// simple witness (c2sp.org/tlog-cosignature v1). It verifies the log's checkpoint with the log's
// key, checks that it extends the last checkpoint this witness cosigned (kept in --state; a
// smaller tree or another root is refused), then adds its cosignature line to the checkpoint file:
// every other signature kept, its own earlier line replaced, the file replaced whole by rename.
import { Command } from 'commander';
import { join } from 'node:path';
import {
  MAX_NOTE_BYTES,
  atomicWriter,
  checkExtends,
  cosignNote,
  dirReader,
  loadTrusted,
  openCheckpoint,
  parseVerifier,
  parseWitnessSigner,
  trustedCheckpointFile,
} from '../../config/index.js';
import { writeAtomic } from '../../safeio/index.js';
import { CliError, keyOption, readRegular, readSecretKey, why } from './common.js';

const HELP = `
Run it after each publish (publish writes a new checkpoint with the log's signature only), and
again at any time to refresh the cosignature's time. Clients that pin the witness key count its
cosignature. Publish and cosign must not run at the same time on one log.

Examples:
  $ telemetry-server keygen witness.example.org/w1 --witness --out witness.key > witness.vkey
  $ telemetry-server cosign --log ./config-log --key "$(cat config.vkey)" --witness-key witness.key --state ./witness-state
`;

interface Opts {
  log: string;
  key: string;
  witnessKey: string;
  state: string;
  json?: boolean;
}

export function cosignCommand(): Command {
  return new Command('cosign')
    .description(
      "act as a witness: verify the log's checkpoint, check it extends the last one cosigned, add a cosignature",
    )
    .requiredOption('--log <dir>', 'the config log directory')
    .requiredOption('--key <verifier key>', "the log's verifier key, <name>+<id>+<key>")
    .requiredOption(
      '--witness-key <file>',
      'the witness private key from keygen --witness (mode 0600)',
    )
    .requiredOption(
      '--state <dir>',
      'where this witness keeps the last checkpoint it cosigned for each log',
    )
    .option('--json', 'print one JSON document')
    .addHelpText('after', HELP)
    .action((opts: Opts) => cosign(opts));
}

/** Runs `step`, turning a toolkit error into a refusal that says what was being done. */
function refuse<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${what}: ${why(e)}`);
  }
}

function cosign(opts: Opts): void {
  const log = keyOption('--key', opts.key, parseVerifier);
  const signer = readSecretKey(opts.witnessKey, 'witness key file');
  const witness = refuse(`witness key file ${opts.witnessKey}`, () => parseWitnessSigner(signer));
  const file = join(opts.log, 'checkpoint');
  const note = readRegular(file, MAX_NOTE_BYTES, 'checkpoint').data;
  const cp = refuse('refusing to cosign', () =>
    openCheckpoint(note, opts.key, log.name, file, 'EBADSIG'),
  );
  const stateFile = trustedCheckpointFile(opts.state, log);
  refuse('refusing to cosign', () =>
    checkExtends(
      loadTrusted(stateFile, opts.key, log.name)?.checkpoint,
      cp,
      dirReader(opts.log),
      file,
    ),
  );
  const time = Math.floor(Date.now() / 1000);
  const cosigned = refuse(`cannot cosign ${file}`, () => cosignNote(note, signer, time));
  // Remember what was cosigned first: a witness must never forget a checkpoint it vouched for.
  refuse(`cannot record the cosigned checkpoint in ${opts.state}`, () =>
    writeAtomic(stateFile, cosigned),
  );
  // A publish that wrote a new checkpoint meanwhile must not be undone by this older one.
  if (!readRegular(file, MAX_NOTE_BYTES, 'checkpoint').data.equals(note))
    throw new CliError(`${file} changed while cosigning; run cosign again`);
  refuse(`cannot write ${file}`, () =>
    atomicWriter(opts.log)('checkpoint', Buffer.from(cosigned, 'utf8')),
  );
  const root = Buffer.from(cp.root).toString('base64');
  if (opts.json)
    process.stdout.write(
      JSON.stringify(
        { log: opts.log, origin: cp.origin, treeSize: cp.size, root, witness: witness.name, time },
        null,
        2,
      ) + '\n',
    );
  else
    process.stdout.write(
      `cosigned ${cp.origin} at tree size ${cp.size} (root ${root}) as ${witness.name}, time ${time}\n`,
    );
}

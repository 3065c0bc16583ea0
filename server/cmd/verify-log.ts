// `telemetry-server verify-log <dir-or-url> --key <verifier key>`: a monitor's full check of a
// config log (verifyLog: the signed checkpoint, every tile and bundle against its root), then the
// history it proves: every config version ever published, in order. With --state, also what a
// client and `cosign` check: that the log extends the checkpoint this monitor saw last.
import { Command } from 'commander';
import { createHash } from 'node:crypto';
import {
  type ReadFn,
  checkExtends,
  dirReader,
  loadTrusted,
  openCheckpoint,
  parseConfig,
  parseVerifier,
  trustedCheckpointFile,
  verifyLog,
} from '../../config/index.js';
import { writeAtomic } from '../../safeio/index.js';
import { CliError, EXIT_USAGE, why } from './common.js';
import { fetchLog } from './http-read.js';

const HELP = `
<dir-or-url> is the log directory, or the collector URL (the log is served at <url>/config-log/;
a URL ending in /config-log/ is taken as the log itself), as for \`show\`.

For each entry: its index, its size in bytes, the first 16 hex digits of its SHA-256, and the
programs it allows. An entry that is not a valid config is listed and makes the exit code 1.

Without --state a run proves only that this log is self-consistent and signed by the key: it
cannot tell a log rolled back to an older checkpoint, or a fork shown to you but not to others,
from the real one. With --state <dir> the checkpoint is kept there, and the next run refuses a
smaller tree (a rollback) or one that does not extend it (a fork), as clients and \`cosign\` do.
Run it from more than one place, with its own state each, to compare what different readers see.

Examples:
  $ telemetry-server verify-log ./config-log --key "$(cat config.vkey)"
  $ telemetry-server verify-log https://collector.example.com --key "$(cat config.vkey)" \\
      --state ./monitor-state
  $ telemetry-server verify-log https://collector.example.com/config-log/ \\
      --key "$(cat config.vkey)" --json
`;

interface Opts {
  key: string;
  json?: boolean;
  state?: string;
  timeout: string;
}
interface Version {
  index: number;
  bytes: number;
  sha256: string;
  programs: string[];
  error?: string;
}

export function verifyLogCommand(): Command {
  return new Command('verify-log')
    .description(
      'verify a whole config log (a directory or an http(s) URL) ' +
        'and list every config it holds',
    )
    .argument('<dir-or-url>', 'the log directory, or the collector URL (http(s)://…)')
    .requiredOption('--key <verifier key>', 'the verifier key, <name>+<id>+<key>')
    .option('--state <dir>', 'keep the checkpoint; later runs refuse a rollback or a fork of it')
    .option('--timeout <seconds>', 'an http(s) log: the deadline for fetching all of it', '120')
    .option('--json', 'print one JSON document')
    .addHelpText('after', HELP)
    .action(async (where: string, opts: Opts) => verify(where, opts));
}

/** The log's own URL for a URL given as the collector or as its log. */
export function logUrlOf(where: string): URL {
  const u = new URL(where);
  if (!/\/config-log\/?$/.test(u.pathname)) {
    u.pathname = `${u.pathname.replace(/\/?$/, '/')}config-log/`;
  } else if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u;
}

async function verify(where: string, opts: Opts): Promise<void> {
  let name: string;
  try {
    name = parseVerifier(opts.key).name;
  } catch (e) {
    throw new CliError(`--key: ${why(e)}`);
  }
  const seconds = Number(opts.timeout);
  if (!/^\d+$/.test(opts.timeout) || seconds < 1 || seconds > 86_400) {
    const what = `--timeout ${JSON.stringify(opts.timeout)}`;
    throw new CliError(`${what} is not a whole number of seconds from 1 to 86400`, EXIT_USAGE);
  }
  const remote = /^https?:\/\//i.test(where);
  const read: ReadFn = remote
    ? await fetchLog(logUrlOf(where), opts.key, seconds * 1000)
    : dirReader(where);
  let log: ReturnType<typeof verifyLog>;
  try {
    log = verifyLog(read, opts.key);
  } catch (e) {
    throw new CliError(`log ${where}: ${why(e)}`);
  }
  if (opts.state) keepState(opts.state, opts.key, name, read, where);
  const versions = log.entries.map(describe);
  const root = Buffer.from(log.root).toString('hex');
  if (opts.json) {
    const doc = { log: where, size: log.size, root, versions };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  } else {
    const what = (version: Version) =>
      version.error
        ? `invalid config: ${version.error}`
        : version.programs.join(', ') || '(no programs)';
    const lines = versions.map(
      (version) =>
        `${version.index}  ${version.bytes} bytes  sha256:${version.sha256}  ${what(version)}`,
    );
    const head = `log ${where}: verified, ${log.size} entries, root ${root}`;
    process.stdout.write([head, ...lines].join('\n') + '\n');
  }
  const bad = versions.filter((version) => version.error).map((version) => version.index);
  if (bad.length) {
    throw new CliError(`log ${where}: entries ${bad.join(', ')} are not valid configs`);
  }
}

/** The rules of config/trust.ts: the new checkpoint must extend the one kept; then it is kept. */
function keepState(dir: string, key: string, name: string, read: ReadFn, where: string): void {
  const file = trustedCheckpointFile(dir, parseVerifier(key));
  try {
    const checkpoint = openCheckpoint(read('checkpoint'), key, name, `log ${where}`, 'EBADSIG');
    checkExtends(loadTrusted(file, key, name)?.checkpoint, checkpoint, read, `log ${where}`);
  } catch (e) {
    throw new CliError(`refusing the log: ${why(e)} (kept in ${file})`);
  }
  try {
    writeAtomic(file, Buffer.from(read('checkpoint')).toString('utf8'));
  } catch (e) {
    throw new CliError(`cannot keep the checkpoint in ${file}: ${why(e)}`);
  }
}

function describe(entry: Uint8Array, index: number): Version {
  const sha256 = createHash('sha256').update(entry).digest('hex').slice(0, 16);
  const v: Version = { index, bytes: entry.length, sha256, programs: [] };
  try {
    v.programs = parseConfig(entry).Programs.map((program) => program.Name);
  } catch (e) {
    v.error = why(e);
  }
  return v;
}

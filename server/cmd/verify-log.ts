// `telemetry-server verify-log <dir-or-url> --key <verifier key>`: a monitor's full check of a
// config log (verifyLog: the signed checkpoint, every tile and bundle against its root), then the
// history it proves: every config version ever published, in order.
import { Command } from 'commander';
import { createHash } from 'node:crypto';
import { dirReader, parseConfig, parseVerifier, verifyLog } from '../../config/index.js';
import { CliError, why } from './common.js';
import { fetchLog } from './http-read.js';

const HELP = `
For each entry: its index, its size in bytes, the first 16 hex digits of its SHA-256, and the
programs it allows. An entry that is not a valid config is listed and makes the exit code 1.

Examples:
  $ telemetry-server verify-log ./config-log --key "$(cat config.vkey)"
  $ telemetry-server verify-log https://collector.example.com/config-log/ --key "$(cat config.vkey)" --json
`;

interface Version { index: number; bytes: number; sha256: string; programs: string[]; error?: string }

export function verifyLogCommand(): Command {
  return new Command('verify-log')
    .description('verify a whole config log (a directory or an http(s) URL) and list every config it holds')
    .argument('<dir-or-url>', 'the log directory, or the URL it is served at (…/config-log/)')
    .requiredOption('--key <verifier key>', 'the verifier key, <name>+<id>+<key>')
    .option('--json', 'print one JSON document')
    .addHelpText('after', HELP)
    .action(async (where: string, opts: { key: string; json?: boolean }) => {
      try {
        parseVerifier(opts.key);
      } catch (e) {
        throw new CliError(`--key: ${why(e)}`);
      }
      const remote = /^https?:\/\//i.test(where);
      const read = remote ? await fetchLog(new URL(where.endsWith('/') ? where : `${where}/`), opts.key) : dirReader(where);
      let log: ReturnType<typeof verifyLog>;
      try {
        log = verifyLog(read, opts.key);
      } catch (e) {
        throw new CliError(`log ${where}: ${why(e)}`);
      }
      const versions = log.entries.map(describe);
      const root = Buffer.from(log.root).toString('hex');
      if (opts.json) process.stdout.write(JSON.stringify({ log: where, size: log.size, root, versions }, null, 2) + '\n');
      else {
        const lines = versions.map((v) => `${v.index}  ${v.bytes} bytes  sha256:${v.sha256}  ${v.error ? `invalid config: ${v.error}` : v.programs.join(', ') || '(no programs)'}`);
        process.stdout.write([`log ${where}: verified, ${log.size} entries, root ${root}`, ...lines].join('\n') + '\n');
      }
      const bad = versions.filter((v) => v.error);
      if (bad.length) throw new CliError(`log ${where}: entries ${bad.map((v) => v.index).join(', ')} are not valid configs`);
    });
}

function describe(entry: Uint8Array, index: number): Version {
  const v: Version = { index, bytes: entry.length, sha256: createHash('sha256').update(entry).digest('hex').slice(0, 16), programs: [] };
  try {
    v.programs = parseConfig(entry).Programs.map((p) => p.Name);
  } catch (e) {
    v.error = why(e);
  }
  return v;
}

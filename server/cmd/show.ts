// `telemetry-server show <dir-or-url> --key <vkey> [--witness <vkey> ... --quorum N] [--json]`:
// verifies the config log as a client does (the checkpoint with the log key and the witnesses'
// quorum, the newest entry's inclusion, the strict schema) and prints the config in force: its
// version v<index> (what reports name in their `Config` field), the tree size, the entry's SHA-256
// and the config itself.
import { Command } from 'commander';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type UploadConfig,
  type VerifiedConfig,
  ClientError,
  fetchVerifiedConfig,
  parseVerifier,
  parseWitnessVerifier,
  readVerifiedConfig,
} from '../../config/index.js';
import { CliError, EXIT_USAGE, collect, keyOption, why } from './common.js';

const HELP = `
<dir-or-url> is the log directory, or the collector URL your tool pins (the log is served at
<url>/config-log/; a URL ending in /config-log/ is taken as the log itself). Nothing is kept
between runs: the checkpoint is trusted on the keys alone, as on a client's first fetch.

Examples:
  $ telemetry-server show ./config-log --key "$(cat config.vkey)"
  $ telemetry-server show https://collector.example.com --key "$(cat config.vkey)" \\
      --witness "$(cat w1.vkey)" --witness "$(cat w2.vkey)" --quorum 1 --json
`;

interface Opts {
  key: string;
  witness: string[];
  quorum?: string;
  json?: boolean;
}

export function showCommand(): Command {
  return new Command('show')
    .description('verify the config log as a client does and print the config in force')
    .argument('<dir-or-url>', 'the log directory, or the collector URL (http(s)://…)')
    .requiredOption('--key <verifier key>', "the log's verifier key, <name>+<id>+<key>")
    .option(
      '--witness <verifier key>',
      'a witness key whose cosignature counts (repeat for more)',
      collect,
      [],
    )
    .option('--quorum <n>', 'how many of the witnesses must have cosigned (default: all)')
    .option('--json', 'print one JSON document {index, version, treeSize, sha256, config}')
    .addHelpText('after', HELP)
    .action(async (where: string, opts: Opts) => show(where, opts));
}

/** The collector base URL for a URL given as the collector or as its log. */
function collectorOf(where: string): string {
  const u = new URL(where);
  u.pathname = u.pathname.replace(/\/config-log\/?$/, '/');
  return u.href;
}

async function verify(
  where: string,
  pinned: { key: string; witnesses: string[]; quorum?: number },
): Promise<VerifiedConfig> {
  if (!/^https?:\/\//i.test(where)) return readVerifiedConfig({ dir: where, ...pinned });
  const stateDir = mkdtempSync(join(tmpdir(), 'telemetry-server-show-'));
  try {
    return await fetchVerifiedConfig({
      url: collectorOf(where),
      stateDir,
      timeoutMs: 30_000,
      ...pinned,
    });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function show(where: string, opts: Opts): Promise<void> {
  keyOption('--key', opts.key, parseVerifier);
  for (const w of opts.witness) keyOption('--witness', w, parseWitnessVerifier);
  const quorum = opts.quorum === undefined ? undefined : Number(opts.quorum);
  if (
    quorum !== undefined &&
    (!/^[0-9]+$/.test(opts.quorum!) || quorum < 1 || quorum > opts.witness.length)
  ) {
    throw new CliError(
      `--quorum ${opts.quorum} is not a whole number from 1 to ${opts.witness.length}, the number of --witness keys`,
      EXIT_USAGE,
    );
  }
  let got: VerifiedConfig;
  try {
    got = await verify(where, { key: opts.key, witnesses: opts.witness, quorum });
  } catch (e) {
    if (!(e instanceof ClientError)) throw e;
    throw new CliError(
      `log ${where}: ${why(e)} (${e.code})`,
      ['EUSAGE', 'EKEY', 'EURL'].includes(e.code) ? EXIT_USAGE : undefined,
    );
  }
  const sha256 = createHash('sha256').update(got.entry).digest('hex');
  const out = {
    index: got.index,
    version: `v${got.index}`,
    treeSize: got.checkpoint.size,
    sha256,
    config: got.config,
  };
  if (opts.json) return void process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  const n = opts.witness.length;
  const witnesses = n
    ? `; cosigned by ${got.cosignedBy.join(', ')} (${got.cosignedBy.length} of ${n}, quorum ${quorum ?? n})`
    : '';
  process.stdout.write(
    [
      `config v${got.index} in force: log index ${got.index}, tree size ${got.checkpoint.size}, sha256 ${sha256}`,
      `log ${where}: verified with ${parseVerifier(opts.key).name}${witnesses}`,
      '',
      ...describe(got.config),
    ].join('\n') + '\n',
  );
}

const list = (items: string[]): string => (items.length ? items.join(', ') : '(none)');

/** The config, one line per setting and per counter and stack rule. */
function describe(config: UploadConfig): string[] {
  const lines = [
    `SampleRate: ${config.SampleRate}`,
    `OS (GOOS): ${list(config.GOOS)}`,
    `arch (GOARCH): ${list(config.GOARCH)}`,
    `runtimes (GoVersion): ${list(config.GoVersion)}`,
  ];
  if (config.Programs.length === 0) lines.push('programs: (none)');
  for (const p of config.Programs) {
    lines.push(
      '',
      `program ${p.Name}`,
      `  versions: ${list(p.Versions)}`,
      `  counters:${p.Counters.length ? '' : ' (none)'}`,
    );
    for (const k of p.Counters) lines.push(`    ${k.Name}  rate ${k.Rate}`);
    lines.push(`  stacks:${p.Stacks.length ? '' : ' (none)'}`);
    for (const s of p.Stacks) lines.push(`    ${s.Name}  rate ${s.Rate}  depth ${s.Depth}`);
  }
  return lines;
}

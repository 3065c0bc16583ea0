// Every settings file in every state a disk can hold: a real host exits 0 promptly, its mode
// is never more open than what the user chose, nothing it could not read is written over,
// and `telemetry status` exits promptly and names the file and the reason.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import {
  CAN_DROP,
  CLI,
  HOST,
  IS_ROOT,
  LIMIT_MS,
  type Ran,
  inBatches,
  publicPrograms,
  run,
  snapshot,
  userEnv,
} from './helpers.js';

const VARIANTS = [
  'missing',
  'empty',
  'garbage',
  'binary',
  '10 MB',
  'directory',
  'FIFO',
  'symlink to /dev/zero',
  'unreadable',
] as const;
type Variant = (typeof VARIANTS)[number];

interface Target {
  /** Relative to the telemetry directory, or `project/package.json` (the host's working directory). */
  path: string;
  /** What a readable copy holds (the 10 MB and unreadable cells start with it). */
  valid: string;
  /** The machine-wide mode written beforehand, if any: what the user chose. */
  machine?: string;
  /** Effective mode by variant; `missing` is the user's choice. */
  expect: (value: Variant) => string;
}

const PROGRAM = 'host';
const broken = (whenMissing: string) => (value: Variant) =>
  value === 'missing' ? whenMissing : 'off';
const TARGETS: Target[] = [
  { path: 'mode', valid: 'on 2026-11-01', expect: broken('local') },
  {
    path: 'program-modes.json',
    valid: JSON.stringify({ [PROGRAM]: { mode: 'on', date: '2026-11-01' } }),
    machine: 'on 2026-11-01',
    expect: broken('on'),
  },
  {
    path: 'notices.json',
    valid: JSON.stringify({ other: { notice: 1, asked: false } }),
    expect: () => 'local',
  },
  { path: 'local/weekends', valid: '4\n', expect: () => 'local' },
  // What each program declared (its own variable, its command): never a reason to count more.
  {
    path: 'programs.json',
    valid: JSON.stringify({ other: { envVar: 'OTHER_OFF' } }),
    expect: () => 'local',
  },
  // A project setting can only lower: one that is not JSON is skipped (docs/settings.md); one that
  // exists but cannot be read may hold the project's "off", so it means off.
  {
    path: 'project/package.json',
    valid: JSON.stringify({ name: 'proj', transparentTelemetry: 'on' }),
    machine: 'on 2026-11-01',
    expect: (value) => (['missing', 'empty', 'garbage', 'binary'].includes(value) ? 'on' : 'off'),
  },
];

function make(file: string, value: Variant, valid: string): void {
  if (value === 'missing') return;
  if (value === 'empty') writeFileSync(file, '');
  if (value === 'garbage') writeFileSync(file, 'this is { not: json, nor a mode\n');
  if (value === 'binary')
    writeFileSync(file, Buffer.from([0, 0xff, 0xfe, 0x7b, 0x22, 0x80, 0, 0x1b, 0x0a, 0xc3]));
  if (value === '10 MB') {
    writeFileSync(file, valid); // valid at the start: refused by its size, not its content
    truncateSync(file, 10 * 1024 * 1024);
  }
  if (value === 'directory') mkdirSync(file);
  if (value === 'FIFO') execFileSync('mkfifo', [file]);
  if (value === 'symlink to /dev/zero') symlinkSync('/dev/zero', file);
  if (value === 'unreadable') {
    writeFileSync(file, valid);
    chmodSync(file, 0o000);
  }
}

interface Cell {
  target: Target;
  variant: Variant;
  file: string;
  before: string;
  host: Ran;
  status: Ran;
  after: string;
}

const dropped = (value: Variant) => value === 'unreadable' && IS_ROOT;

async function runCell(target: Target, variant: Variant): Promise<Cell> {
  const base = tempDir('tt-matrix-');
  const dir = join(base, 'telemetry');
  const project = join(base, 'project');
  mkdirSync(join(dir, 'local'), { recursive: true });
  mkdirSync(join(project, '.git'), { recursive: true }); // the project walk stops here
  if (target.machine) writeFileSync(join(dir, 'mode'), target.machine);
  const file = join(target.path.startsWith('project/') ? base : dir, target.path);
  make(file, variant, target.valid);
  const asNobody = dropped(variant);
  if (asNobody)
    for (const [d, m] of [
      [base, 0o755],
      [dir, 0o777],
      [join(dir, 'local'), 0o777],
      [project, 0o755],
    ] as const)
      chmodSync(d, m);
  const progs = asNobody ? publicPrograms() : { host: HOST, cli: CLI, counter: undefined };
  const env = userEnv(dir, base, progs.counter);
  const before = snapshot(file);
  const opts = { env, cwd: project, asNobody };
  const host = await run(progs.host, [JSON.stringify({ program: PROGRAM })], opts);
  const status = await run(progs.cli, ['status'], opts);
  return { target, variant, file, before, host, status, after: snapshot(file) };
}

const cells = new Map<string, Cell>();
const key = (target: Target, value: Variant) => `${target.path} ${value}`;
const skipped = (value: Variant) => value === 'unreadable' && IS_ROOT && !CAN_DROP;

beforeAll(async () => {
  const tasks = TARGETS.flatMap((target) =>
    VARIANTS.filter((variant) => !skipped(variant)).map(
      (variant) => () => runCell(target, variant),
    ),
  );
  for (const c of await inBatches(tasks, 4)) cells.set(key(c.target, c.variant), c);
}, 300_000);

describe.each(TARGETS)('$path', (target) => {
  // Root reads through mode 000; without setpriv there is no unprivileged user to run as.
  it.each(VARIANTS)('%s', (variant) => {
    if (skipped(variant)) return;
    const c = cells.get(key(target, variant))!;
    const what = `${target.path} ${variant}`;
    expect(c.host.timedOut, `${what}: the host hung`).toBe(false);
    expect(c.host.ms, what).toBeLessThan(LIMIT_MS);
    expect(c.host.stderr, what).toBe('');
    expect(c.host.code, what).toBe(0);
    const r = JSON.parse(c.host.stdout) as {
      mode: string;
      reason: string;
      file: string | null;
      printed: boolean;
    };
    expect(r.mode, `${what}: ${r.reason}`).toBe(target.expect(variant));
    if (variant !== 'missing') expect(c.after, `${what} was written over`).toBe(c.before);
    if (target.path === 'notices.json')
      expect(r.printed, `${what}: notice printed`).toBe(variant === 'missing');
    if (target.path === 'local/weekends') {
      // Go's rule reads any first byte as a day; everything else that exists means memory.
      expect(r.file !== null, what).toBe(['missing', 'garbage', 'binary'].includes(variant));
    }
    expect(c.status.timedOut, `${what}: status hung`).toBe(false);
    expect(c.status.code, `${what}: ${c.status.stderr}`).toBe(0);
    if (
      variant !== 'missing' &&
      !(target.path === 'local/weekends' && ['garbage', 'binary'].includes(variant))
    ) {
      // The status names the file, and a reason, on stdout or (a skipped package.json) stderr.
      expect(c.status.stdout + c.status.stderr, `${what}: status does not say why`).toContain(
        `${c.file}: `,
      );
    }
  });
});

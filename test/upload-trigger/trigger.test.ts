// The weekly upload is started from tools' own processes (docs/upload.md, The background run): after open() in mode
// on or local, one detached child when work is due and the day's token is free; never in mode
// off; never more than one per day among racing processes; never holding the host.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout, writeMachineMode } from '../../counter/settings/index.js';
import { tempDir } from '../helpers.js';
import { until } from '../wait.js';
import {
  DAY,
  childLogs,
  hostsThatStarted,
  makeDue,
  quiet,
  runHost,
  settledChildLogs,
  telemetryDir,
  tokenMtime,
} from './harness.js';

const token = (dir: string) => join(dir, 'upload.token');

/** Sets the token's times to `now + offset`. */
function tokenAt(dir: string, offsetMs: number): number {
  writeFileSync(token(dir), '');
  const t = new Date(Date.now() + offsetMs);
  utimesSync(token(dir), t, t);
  return tokenMtime(dir)!;
}

describe('the upload trigger', () => {
  it('starts nothing when nothing is due, and one run once a week has ended', async () => {
    const dir = telemetryDir();
    const first = await runHost(dir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout.split('\n')[0]!).mode).toBe('local');
    // The token is taken before the child is spawned: no token, no child.
    expect(tokenMtime(dir)).toBeNull();
    expect(hostsThatStarted(dir)).toBe(0);
    makeDue(dir);
    expect((await runHost(dir)).code).toBe(0);
    expect(tokenMtime(dir)).not.toBeNull();
    expect(hostsThatStarted(dir)).toBe(1);
    expect(await settledChildLogs(dir, 1)).toHaveLength(1);
  });

  for (const [what, stale] of [
    ['no token', false],
    ['a stale token', true],
  ] as const) {
    it(`starts exactly one run when five processes open at once with work due (${what})`, async () => {
      const dir = telemetryDir();
      makeDue(dir);
      const before = stale ? tokenAt(dir, -2 * DAY) : null;
      const barrier = join(tempDir('tt-trig-barrier-'), 'go');
      const running = Promise.all(Array.from({ length: 5 }, () => runHost(dir, { barrier })));
      const ready = () => readdirSync(dirname(barrier)).filter((name) => name.startsWith('ready-'));
      await until('five hosts at the barrier', () => ready().length === 5);
      writeFileSync(barrier, '');
      const runs = await running;
      expect(runs.map((run) => run.code)).toEqual([0, 0, 0, 0, 0]);
      expect(hostsThatStarted(dir)).toBe(1);
      expect(await settledChildLogs(dir, 1)).toHaveLength(1);
      expect(tokenMtime(dir)).toBeGreaterThan(before ?? 0);
      // The claims racing processes made on the stale token are all gone.
      expect(readdirSync(dir).filter((name) => name.startsWith('upload.token'))).toEqual([
        'upload.token',
      ]);
    });
  }

  it('respects the token for a day, and takes it after', async () => {
    const dir = telemetryDir();
    makeDue(dir);
    const young = tokenAt(dir, -23 * 3_600_000);
    await runHost(dir);
    expect(tokenMtime(dir)).toBe(young);
    expect(hostsThatStarted(dir)).toBe(0);
    tokenAt(dir, -25 * 3_600_000);
    await runHost(dir);
    expect(Math.abs(tokenMtime(dir)! - Date.now())).toBeLessThan(60_000);
    expect(hostsThatStarted(dir)).toBe(1);
    await settledChildLogs(dir, 1);
  });

  it('replaces a token dated more than a day ahead (a clock that jumped back), and respects one less far ahead', async () => {
    const dir = telemetryDir();
    makeDue(dir);
    const near = tokenAt(dir, 12 * 3_600_000);
    await runHost(dir);
    expect(tokenMtime(dir)).toBe(near);
    expect(hostsThatStarted(dir)).toBe(0);
    tokenAt(dir, 3 * DAY);
    await runHost(dir);
    expect(Math.abs(tokenMtime(dir)! - Date.now())).toBeLessThan(60_000);
    expect(hostsThatStarted(dir)).toBe(1);
    await settledChildLogs(dir, 1);
  });

  it('starts from the exit step when the host exits before any immediate runs', async () => {
    const dir = telemetryDir();
    makeDue(dir);
    const r = await runHost(dir, { exitNow: true });
    expect(r.stdout).toMatch(/EXIT/);
    expect(hostsThatStarted(dir)).toBe(1);
    expect(await settledChildLogs(dir, 1)).toHaveLength(1);
  });

  it('starts in mode on, as in local', async () => {
    const dir = telemetryDir();
    writeMachineMode(layout(dir), 'on');
    makeDue(dir);
    const r = await runHost(dir);
    expect(JSON.parse(r.stdout.split('\n')[0]!).mode).toBe('on');
    expect(hostsThatStarted(dir)).toBe(1);
    await settledChildLogs(dir, 1);
  });

  it('leaves with the host: the host has exited before its run even logs its start', async () => {
    const dir = telemetryDir();
    makeDue(dir);
    const r = await runHost(dir);
    const [log] = await settledChildLogs(dir, 1);
    const started = Date.parse(/^(\S+) upload run started/m.exec(log!)![1]!);
    expect(r.exitAt).toBeLessThan(started);
  });

  it('starts nothing when the directory holds something else than a regular file at the token', async () => {
    const dir = telemetryDir();
    makeDue(dir);
    mkdirSync(token(dir));
    await runHost(dir);
    expect(hostsThatStarted(dir)).toBe(0);
    await quiet(dir); // the host has exited: any run it started exists, and now has ended
    expect(childLogs(dir)).toEqual([]);
  });
});

describe('the upload trigger when counting is off', () => {
  const strace = spawnSync('strace', ['-V']).status === 0;

  /** Every file-system path the host and its children touched, through strace. */
  async function touched(dir: string, env: Record<string, string>): Promise<string> {
    const out = join(tempDir('tt-strace-'), 'trace');
    const r = await runHost(dir, {}, env, ['strace', '-f', '-qq', '-e', 'trace=%file', '-o', out]);
    expect(r.code).toBe(0);
    return readFileSync(out, 'utf8');
  }

  for (const [what, setup, env] of [
    ['mode off', (dir: string) => writeMachineMode(layout(dir), 'off'), {}],
    ['DO_NOT_TRACK=1', () => {}, { DO_NOT_TRACK: '1' }],
    ['the tool variable', () => {}, { TRIG_TOOL_TELEMETRY_DISABLED: '1' }],
  ] as const) {
    it(`${what}: no token, no run, and upload/ is not even looked at`, async () => {
      const dir = telemetryDir();
      makeDue(dir);
      mkdirSync(join(dir, 'upload', '0123456789abcdef'), { recursive: true });
      writeFileSync(join(dir, 'upload', '0123456789abcdef', '2026-01-11.json'), '{}');
      setup(dir);
      if (strace) {
        const trace = await touched(dir, env);
        expect(trace).not.toContain(join(dir, 'upload'));
      } else {
        await runHost(dir, {}, env);
      }
      expect(existsSync(token(dir))).toBe(false);
      expect(hostsThatStarted(dir)).toBe(0);
      await quiet(dir);
      expect(childLogs(dir)).toEqual([]);
    });
  }

  it.runIf(strace)(
    '(the same trace shows it in mode local, so the check above can fail)',
    async () => {
      const dir = telemetryDir();
      const trace = await touched(dir, {});
      expect(trace).toContain(join(dir, 'upload'));
    },
  );
});

import { writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Counter, open } from '../../counter/index.js';
import { resetHub } from '../../counter/hub.js';
import { resetForTests, rotationDelay } from '../../counter/engine/state.js';
import { cleanEnv, countFiles, readOnly, runFixture, tempDir } from '../helpers.js';

afterEach(() => {
  resetForTests();
  resetHub();
  vi.useRealTimers();
});

const DAY = 86_400_000;

function setup(weekend: number) {
  const dir = tempDir();
  mkdirSync(join(dir, 'local'));
  writeFileSync(join(dir, 'local', 'weekends'), `${weekend}\n`);
  return dir;
}

describe('weekly rotation', () => {
  it('moves a running process to the new week when its file expires', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
    const dir = setup(4); // weeks end on Thursday
    let now = new Date('2026-11-23T10:00:00Z'); // Monday: this file ends Thursday 2026-11-26
    const r = open({ dir, program: 't', version: '1', now: () => now });
    expect(r.file).toMatch(/-2026-11-23\.v1\.count$/);
    const c = new Counter('t/rot');
    c.add(3);
    now = new Date('2026-11-26T00:00:01Z');
    vi.advanceTimersByTime(3 * DAY); // the rotation timer fires at expiry
    c.inc();
    c.inc();
    const files = countFiles(dir).sort();
    expect(files.map((file) => file.slice(-19))).toEqual([
      '2026-11-23.v1.count',
      '2026-11-26.v1.count',
    ]);
    const [first, second] = files.map((file) => readOnly(file));
    expect(first!.meta.TimeEnd).toBe('2026-11-26T00:00:00Z');
    expect(first!.counts.get('t/rot')).toBe(3n);
    expect(second!.meta.TimeBegin).toBe('2026-11-26T00:00:00Z');
    expect(second!.meta.TimeEnd).toBe('2026-12-03T00:00:00Z');
    expect(second!.counts.get('t/rot')).toBe(2n);
  });

  it('keeps the same file, untouched, when nothing expired', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
    const dir = setup(0);
    let now = new Date('2026-11-23T10:00:00Z');
    open({ dir, program: 't', version: '1', now: () => now });
    const [file] = countFiles(dir);
    const mtime = statSync(file!).mtimeMs;
    now = new Date('2026-11-23T11:00:00Z');
    vi.advanceTimersByTime(60 * 60 * 1000);
    expect(countFiles(dir)).toEqual([file]);
    expect(statSync(file!).mtimeMs).toBe(mtime);
  });

  it('stops writing at rotation when the user turned counting off meanwhile', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
    const dir = setup(2);
    let now = new Date('2026-11-23T10:00:00Z');
    const r = open({ dir, program: 't', version: '1', now: () => now });
    const c = new Counter('t/off-later');
    c.inc();
    writeFileSync(join(dir, 'mode'), 'off 2026-11-23');
    now = new Date('2026-11-24T00:00:00Z');
    vi.advanceTimersByTime(DAY);
    c.inc();
    expect(countFiles(dir)).toEqual([r.file]);
    expect(readOnly(r.file!).counts.get('t/off-later')).toBe(1n);
  });
});

describe('the rotation timer', () => {
  const HOUR = 3_600_000;
  it('waits for the time left, at most an hour (timers stop while a laptop sleeps) and at least a second', () => {
    const end = Date.parse('2026-11-26T00:00:00Z');
    expect(rotationDelay(end, end - 3 * DAY)).toBe(HOUR);
    expect(rotationDelay(end, end - HOUR - 1)).toBe(HOUR);
    expect(rotationDelay(end, end - 30 * 60_000)).toBe(30 * 60_000);
    expect(rotationDelay(end, end - 2000)).toBe(2000);
    expect(rotationDelay(end, end - 10)).toBe(1000);
    expect(rotationDelay(end, end + 5000)).toBe(1000);
  });

  it('moves a live process to the next week within seconds of TimeEnd, even when opened 2 s before it', () => {
    const dir = setup(4);
    const spec = {
      dir,
      program: 'host',
      version: '1.0.0',
      start: '2026-11-25T23:59:58Z',
      waitMs: 15_000,
    };
    const r = runFixture('rotate-soon.mjs', spec, cleanEnv());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { files: string[]; waitedMs: number };
    expect(out.files.map((file) => file.slice(-19))).toEqual([
      '2026-11-25.v1.count',
      '2026-11-26.v1.count',
    ]);
    const [first, second] = countFiles(dir)
      .sort()
      .map((file) => readOnly(file).counts);
    expect(first).toEqual(new Map([['host/before', 1n]]));
    expect(second).toEqual(new Map([['host/after', 1n]]));
  }, 30_000);
});

// Crash counters (docs/crash-counters.md), with the built toolkit in real processes that crash:
// the count is in the file after the process died, and the host's behaviour is unchanged.
import { describe, expect, it } from 'vitest';
import { cleanEnv, countFiles, runFixture, soleCounts, tempDir } from '../helpers.js';

type How = 'throw' | 'throw-read' | 'reject' | 'reject-string' | 'handled';

function crash(how: How, extra: Record<string, unknown> = {}, env = cleanEnv()) {
  const dir = tempDir();
  const r = runFixture('crash.mjs', { program: 'cr', dir, crashes: true, how, ...extra }, env);
  return { dir, code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The crash stacks in `dir`'s count file, by name. */
function crashes(dir: string): Record<string, bigint> {
  return Object.fromEntries([...soleCounts(dir)].filter(([name]) => name.startsWith('cr/crash')));
}

const SITE = 'transparent-telemetry/test/fixtures/crash';

describe('crash counters', () => {
  it('count an uncaught exception at its throw site, without Node frames, under both names', () => {
    const r = crash('throw');
    expect(r.code).toBe(1);
    expect(crashes(r.dir)).toEqual({
      [`cr/crash\n${SITE}.Timeout.explode:+1`]: 1n,
      [`cr/crash:exception\n${SITE}.Timeout.explode:+1`]: 1n,
    });
  });

  it('count an unhandled rejection that ends the process, at the async function that threw', () => {
    const r = crash('reject');
    expect(r.code).toBe(1);
    expect(crashes(r.dir)).toEqual({
      [`cr/crash\n${SITE}.rejectLater:+2`]: 1n,
      [`cr/crash:rejection\n${SITE}.rejectLater:+2`]: 1n,
    });
  });

  it('count a rejection with no stack (a string) under one marker frame', () => {
    const r = crash('reject-string');
    expect(r.code).toBe(1);
    expect(crashes(r.dir)).toEqual({
      'cr/crash\n<no-stack>': 1n,
      'cr/crash:rejection\n<no-stack>': 1n,
    });
  });

  it('read a stack the host already read as text, marking the unknown line offsets', () => {
    const r = crash('throw-read');
    expect(r.stdout).toContain('read first: 5 lines');
    const names = Object.keys(crashes(r.dir));
    expect(names).toContain(`cr/crash\n${SITE}.explode:+?\n${SITE}.Timeout.explodeRead:+?`);
  });

  it('keep at most the configured depth', () => {
    const r = crash('throw-read', { crashes: { depth: 1 } });
    expect(Object.keys(crashes(r.dir)).sort()).toEqual([
      `cr/crash\n${SITE}.explode:+?`,
      `cr/crash:exception\n${SITE}.explode:+?`,
    ]);
  });

  it('leave the host as it was: exit code, stderr, and its own listeners', () => {
    for (const how of ['throw', 'reject', 'reject-string', 'handled'] as const) {
      const counted = crash(how);
      const plain = crash(how, { crashes: false });
      expect(counted.stdout, how).toContain('monitors=1');
      expect(plain.stdout, how).toContain('monitors=0');
      expect([counted.code, counted.signal], how).toEqual([plain.code, plain.signal]);
      expect(counted.stderr, how).toBe(plain.stderr);
      expect(counted.stdout.replace('monitors=1', ''), how).toBe(
        plain.stdout.replace('monitors=0', ''),
      );
      expect(counted.stdout, how).toMatch(
        /host monitor saw .*\n(host handled it\n)?host exit listener: [01]\n$/,
      );
    }
  });

  it('leave a host formatter of stacks in charge of what is printed, and still read the frames', () => {
    const counted = crash('throw', { formatter: true });
    const plain = crash('throw', { formatter: true, crashes: false });
    expect(counted.stderr).toContain('CUSTOM boom at Timeout.explode');
    expect(counted.stderr).toBe(plain.stderr);
    expect(Object.keys(crashes(counted.dir))).toContain(`cr/crash\n${SITE}.Timeout.explode:+1`);
  });

  it('count each exception the host handles, which does not end the process (exit code 0)', () => {
    const r = crash('handled', { times: 3 });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/host handled it/g)).toHaveLength(3);
    expect(crashes(r.dir)).toEqual({
      [`cr/crash\n${SITE}.Timeout.explode:+1`]: 3n,
      [`cr/crash:exception\n${SITE}.Timeout.explode:+1`]: 3n,
    });
  });

  it('land in the mapped file before a SIGKILL that follows the increment at once', () => {
    const r = crash('throw', { kill: true });
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toContain('host monitor saw uncaughtException');
    expect(r.stdout).not.toContain('host exit listener');
    expect(crashes(r.dir)).toEqual({
      [`cr/crash\n${SITE}.Timeout.explode:+1`]: 1n,
      [`cr/crash:exception\n${SITE}.Timeout.explode:+1`]: 1n,
    });
  });

  it('install nothing when not asked, or when counting is off', () => {
    expect(crash('throw', { crashes: undefined }).stdout).toContain('monitors=0');
    const off = crash('throw', {}, cleanEnv({ DO_NOT_TRACK: '1' }));
    expect(off.stdout).toContain('monitors=0 mode=off');
    expect(countFiles(off.dir)).toEqual([]);
  });

  it('turn counting off with a reason for a crashes option of the wrong shape', () => {
    for (const bad of ['yes', { depth: 0 }, { depth: 101 }, [true]]) {
      const r = crash('handled', { crashes: bad });
      expect(r.stdout, JSON.stringify(bad)).toContain('monitors=0 mode=off');
    }
  });
});

import { homedir, userInfo } from 'node:os';
import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Counter, StackCounter, inc, open } from '../../counter/index.js';
import { resetHub } from '../../counter/hub.js';
import { resetForTests } from '../../counter/engine/state.js';
import { decodeStack } from '../../counter/countfile/index.js';
import { countFiles, readOnly, soleCounts, tempDir } from '../helpers.js';

afterEach(() => {
  resetForTests();
  resetHub();
});

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('counting', () => {
  it('keeps increments made before open() and writes them at open', () => {
    const dir = tempDir();
    const c = new Counter('t/preopen');
    c.inc();
    c.add(8);
    expect(countFiles(dir)).toEqual([]);
    const r = open({ dir, program: 't', version: '1.0.0' });
    expect(r.mode).toBe('local');
    expect(r.file).toMatch(/t@1\.0\.0-node[\d.]+-\w+-\w+-\d{4}-\d\d-\d\d\.v1\.count$/);
    c.add(0x90);
    expect(soleCounts(dir).get('t/preopen')).toBe(0x99n);
  });

  it('grows the file past several pages, every value exact', async () => {
    const dir = tempDir();
    open({ dir, program: 't', version: '1.0.0' });
    const counters = Array.from({ length: 10_000 }, (_, i) => new Counter(`t/large/${i}`));
    counters.forEach((counter, i) => counter.add(i * i + 1));
    await flush(); // growth is a system call, done right after the current tick
    counters.forEach((counter, i) => counter.add(Math.floor(i / 2)));
    await flush();
    const counts = soleCounts(dir);
    expect(statSync(countFiles(dir)[0]!).size).toBeGreaterThan(16384 * 10);
    expect(counts.size).toBe(10_000);
    counters.forEach((counter, i) =>
      expect(counts.get(counter.name)).toBe(BigInt(i * i + 1 + Math.floor(i / 2))),
    );
  });

  it('maps the file again when it outgrows its first mapping, old counters still counting', async () => {
    const dir = tempDir();
    open({ dir, program: 't', version: '1.0.0' });
    const early = new Counter('t/early');
    early.inc();
    // 1,500 records of 4 KiB: about 6 MiB, past the 4 MiB reserved beyond the first 16 KiB.
    const big = Array.from(
      { length: 1500 },
      (_, i) => new Counter(`t/big/${i}/`.padEnd(4000, 'x')),
    );
    for (const c of big) c.inc();
    await flush();
    early.inc();
    for (const c of big) c.inc();
    expect(statSync(countFiles(dir)[0]!).size).toBeGreaterThan((4 << 20) + 16384);
    const counts = soleCounts(dir);
    expect(counts.get('t/early')).toBe(2n);
    for (const c of big) expect(counts.get(c.name)).toBe(2n);
  });

  it('pins values at 2^64-1 instead of wrapping', () => {
    const dir = tempDir();
    open({ dir, program: 't', version: '1.0.0' });
    const c = new Counter('t/sat');
    c.add(2n ** 64n - 2n);
    c.inc();
    c.inc();
    c.add(5);
    expect(soleCounts(dir).get('t/sat')).toBe(2n ** 64n - 1n);
  });

  it('ignores non-positive and non-numeric adds instead of throwing', () => {
    const dir = tempDir();
    open({ dir, program: 't', version: '1.0.0' });
    const c = new Counter('t/add');
    c.add(-5);
    c.add(Number.NaN);
    c.add(2.9);
    c.add(0);
    expect(soleCounts(dir).get('t/add')).toBe(2n);
  });

  it('inc(name) reuses one counter per name', () => {
    const dir = tempDir();
    open({ dir, program: 't', version: '1.0.0' });
    for (let i = 0; i < 5; i++) inc('t/by-name');
    expect(soleCounts(dir).get('t/by-name')).toBe(5n);
  });

  it('rejects invalid names with a TypeError at construction', () => {
    expect(() => new Counter('')).toThrow(TypeError);
    expect(() => new Counter('a\nb')).toThrow(/newline/);
    expect(() => new Counter('x'.repeat(4097))).toThrow(/4097 bytes/);
    expect(() => new Counter('é'.repeat(2049))).toThrow(TypeError); // 4098 bytes in UTF-8
    expect(() => new Counter(42 as unknown as string)).toThrow(/must be a string/);
    expect(() => new StackCounter('s', 0)).toThrow(/depth/);
    expect(() => new StackCounter('s\n')).toThrow(TypeError);
    expect(() => new Counter('x'.repeat(4096))).not.toThrow();
  });

  describe('enforces the naming rules of README "Names"', () => {
    for (const [name, why] of [
      ['has space', /counter name "has space" contains whitespace/],
      ['tab\there', /contains whitespace/],
      ['nbsp\u00a0here', /contains whitespace/],
      ['line\u2028sep', /contains whitespace/],
      ['a/b:c:d', /counter name "a\/b:c:d" has more than one ":"/],
      ['lone\ud800', /counter name "lone\\ud800" is not valid Unicode/],
      ['\udc00x', /is not valid Unicode/],
    ] as const) {
      it(`rejects ${JSON.stringify(name)} in Counter, inc() and StackCounter`, () => {
        expect(() => new Counter(name)).toThrow(why);
        expect(() => inc(name)).toThrow(why);
        expect(() => new StackCounter(name)).toThrow(why);
      });
    }

    it('rejects exactly the white space of /\\s/u, every character of the BMP checked', () => {
      const wrong: string[] = [];
      for (let code = 0; code < 0x10000; code++) {
        if (code >= 0xd800 && code <= 0xdfff) continue; // lone surrogates: not valid Unicode
        const name = `a${String.fromCharCode(code)}b`;
        let why = '';
        try {
          new Counter(name);
        } catch (error) {
          why = (error as Error).message;
        }
        const space = /\s/u.test(name);
        const said = code === 10 ? /a newline/.test(why) : /contains whitespace/.test(why);
        if (said !== space) wrong.push(code.toString(16));
      }
      expect(wrong).toEqual([]);
    });

    it('accepts what the rules allow', () => {
      for (const name of [
        't/flag:verbose',
        't/latency:<100ms',
        't/日本語',
        't/emoji-😀',
        'x',
        't/a-b_c.d',
      ])
        expect(() => new Counter(name)).not.toThrow();
    });

    it('keeps stack names to their own rules: their frames hold more ":"', async () => {
      const dir = tempDir();
      open({ dir, program: 't', version: '1.0.0' });
      const s = new StackCounter('t/crash:bug');
      s.inc();
      await flush();
      const names = [...soleCounts(dir).keys()].filter((key) => key.startsWith('t/crash:bug\n'));
      expect(names).toHaveLength(1);
      expect(names[0]!.split(':').length).toBeGreaterThan(3);
    });
  });
});

describe('stack counters', () => {
  function siteA(counter: StackCounter) {
    counter.inc();
  }
  function siteB(counter: StackCounter) {
    counter.inc();
  }

  it('count each distinct stack, named by package, module, function and line offset', async () => {
    const dir = tempDir();
    open({ dir, program: 't', version: '1.0.0' });
    const s = new StackCounter('t/stack', 3);
    for (let i = 0; i < 2; i++) siteA(s); // same call site twice: one stack
    siteB(s);
    await flush();
    const stacks = [...soleCounts(dir)].filter(([key]) => key.startsWith('t/stack\n'));
    expect(stacks).toHaveLength(2);
    const a = stacks.find(([key]) => key.includes('.siteA:'))!;
    const b = stacks.find(([key]) => key.includes('.siteB:'))!;
    expect(a[1]).toBe(2n);
    expect(b[1]).toBe(1n);
    const lines = a[0].split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('transparent-telemetry/test/counter/counter.unit.test.siteA:+1');
    expect(s.names().sort()).toEqual(stacks.map(([key]) => key).sort());
  });

  it('count stacks seen before open(), without I/O at the increment, once the file opens', async () => {
    const dir = tempDir();
    const s = new StackCounter('t/early-stack', 2);
    for (let i = 0; i < 3; i++) siteA(s);
    expect(s.names()).toEqual([]); // not named yet: naming reads package.json files
    open({ dir, program: 't', version: '1.0.0' });
    await flush();
    const [name] = s.names();
    expect(name).toMatch(
      /^t\/early-stack\ntransparent-telemetry\/test\/counter\/counter\.unit\.test\.siteA:\+1\n/,
    );
    expect(soleCounts(dir).get(name!)).toBe(3n);
  });

  it('store repeated paths with ditto marks and never a path or user name', async () => {
    const dir = tempDir();
    open({ dir, program: 't', version: '1.0.0' });
    const s = new StackCounter('t/ditto', 8);
    siteA(s);
    await flush();
    const raw = readFileSync(countFiles(dir)[0]!, 'utf8');
    // The caller lives in the same module as siteA, so its frame starts with a ditto mark.
    expect(raw).toMatch(
      /t\/ditto\ntransparent-telemetry\/test\/counter\/counter\.unit\.test\.siteA:\+1\n"\./,
    );
    const name = [...soleCounts(dir).keys()].find((key) => key.startsWith('t/ditto'))!;
    expect(name).toBe(decodeStack(name));
    for (const secret of [
      homedir(),
      userInfo().username === 'root' ? '/root' : userInfo().username,
      '/tmp',
      '/work',
      'file://',
    ]) {
      expect(name).not.toContain(secret);
    }
  });

  it('cap names at 4096 bytes with the truncation marker', async () => {
    const dir = tempDir();
    open({ dir, program: 't', version: '1.0.0' });
    const s = new StackCounter('t/' + 'n'.repeat(4000), 20);
    const deep = (count: number): void => (count === 0 ? s.inc() : deep(count - 1));
    deep(10);
    await flush();
    const name = [...soleCounts(dir).keys()].find((key) => key.startsWith('t/nnn'))!;
    expect(name.endsWith('\ntruncated\n')).toBe(true);
    const file = readFileSync(countFiles(dir)[0]!);
    const at = file.indexOf('t/nnn');
    expect(file.readUInt32LE(at - 8) & 0xffffff).toBe(4096); // stored (compressed) length
    expect(readOnly(countFiles(dir)[0]!).counts.size).toBe(1);
  });
});

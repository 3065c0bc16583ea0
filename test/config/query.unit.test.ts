import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildQuery } from '../../config/query.js';
import { ConfigError, parseConfig } from '../../config/schema.js';
import { ROOT } from '../helpers.js';

const example = () =>
  buildQuery(readFileSync(join(ROOT, 'examples', 'collection-config.json'), 'utf8'));

describe('query API on the demo tool config', () => {
  it('platform and runtime', () => {
    const q = example();
    expect([
      q.allowsOS('linux'),
      q.allowsOS('win32'),
      q.allowsOS('windows'),
      q.allowsOS('Linux'),
    ]).toEqual([true, true, false, false]);
    expect([q.allowsArch('x64'), q.allowsArch('arm64'), q.allowsArch('ia32')]).toEqual([
      true,
      true,
      false,
    ]);
    // node20 / node22 / node24 are X-ranges: every release of those majors, no prerelease.
    const runtimes = [
      'node20.20.2',
      'node22.0.0',
      'node24.11.1',
      'node21.7.3',
      'node18.20.0',
      'node25.0.0',
      'node24.0.0-nightly20250101',
      '20.20.2',
      'node20',
      'node 20.1.0',
    ];
    expect(runtimes.map((runtime) => q.allowsRuntime(runtime))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('program, versions in ">=1.0.0 <2" (prereleases left out)', () => {
    const q = example();
    expect([q.allowsProgram('demo-tool'), q.allowsProgram('demo')]).toEqual([true, false]);
    const versions = [
      '1.0.0',
      '1.4.0',
      '1.99.99',
      '2.0.0',
      '0.9.9',
      '1.5.0-beta.1',
      '2.0.0-rc.1',
      'banana',
      '',
      '1.4.0 ',
    ];
    expect(versions.map((version) => q.allowsVersion('demo-tool', version))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(q.allowsVersion('other-tool', '1.4.0')).toBe(false);
  });

  it('counters: exact expanded names only', () => {
    const q = example();
    expect(q.counterNames('demo-tool')).toEqual([
      'demo-tool/invocations',
      'demo-tool/flag:shout',
      'demo-tool/flag:twice',
      'demo-tool/names:0',
      'demo-tool/names:1',
      'demo-tool/names:2+',
    ]);
    expect(q.counterRate('demo-tool', 'demo-tool/flag:twice')).toBe(1);
    expect(q.counterRate('demo-tool', 'demo-tool/flag:{shout,twice}')).toBeNull();
    expect(q.counterRate('demo-tool', 'demo-tool/flag:loud')).toBeNull();
    expect(q.counterRate('demo-tool', 'demo-tool/flag')).toBeNull();
    expect(q.counterRate('other', 'demo-tool/invocations')).toBeNull();
    expect(q.counterNames('other')).toEqual([]);
    expect([
      q.hasChart('demo-tool', 'demo-tool/flag'),
      q.hasChart('demo-tool', 'demo-tool/invocations'),
      q.hasChart('other', 'demo-tool/flag'),
    ]).toEqual([true, false, false]);
    expect([q.chartOf('demo-tool/names:2+'), q.chartOf('demo-tool/invocations')]).toEqual([
      'demo-tool/names',
      'demo-tool/invocations',
    ]);
  });

  it('stacks: the prefix before the first newline, matched exactly', () => {
    const q = example();
    expect(q.stackRate('demo-tool', 'demo-tool/error\nmain.mjs:run:+3\nmain.mjs:main:+1')).toEqual({
      rate: 1,
      depth: 4,
    });
    expect(q.stackRate('demo-tool', 'demo-tool/error')).toEqual({ rate: 1, depth: 4 });
    expect(q.stackRate('demo-tool', 'demo-tool/err\nx')).toBeNull();
    expect(q.stackRate('demo-tool', 'demo-tool/error/more\nx')).toBeNull();
    expect(q.stackRate('demo-tool', 'demo-tool/invocations')).toBeNull();
    expect(q.counterRate('demo-tool', 'demo-tool/error')).toBeNull();
    // The answer is a copy: a caller cannot change the index through it.
    q.stackRate('demo-tool', 'demo-tool/error')!.rate = 0;
    expect(q.stackRate('demo-tool', 'demo-tool/error')!.rate).toBe(1);
  });
});

describe('query API on hand-made configs', () => {
  const q = buildQuery(
    parseConfig({
      GoVersion: ['node20.20.2', 'node>=22 <24', 'go1.23.4', 'node>=26.0.0-rc.1 <26.0.0'],
      SampleRate: 0.25,
      Programs: [
        {
          Name: 'a',
          Versions: ['1.2.3', 'v2.0.0', '^3.1.0', '4.x', 'go1.23rc1'],
          Counters: [
            { Name: 'a/x:{1,2}', Rate: 0.5 },
            { Name: 'a/never', Rate: 0 },
          ],
        },
        { Name: 'b', Stacks: [{ Name: 'b/bug', Rate: 0.1 }] },
      ],
    }),
  );

  it('runtimes: exact entries, node ranges, a prerelease only where a range names it', () => {
    const runtimes = [
      'node20.20.2',
      'node20.20.3',
      'node22.5.0',
      'node23.11.0',
      'node24.0.0',
      'go1.23.4',
      'go1.23.5',
      'node26.0.0-rc.2',
      'node26.0.0',
    ];
    expect(runtimes.map((runtime) => q.allowsRuntime(runtime))).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it('versions: exact strings as in Go ("v2.0.0" is not "2.0.0"), ranges by semver', () => {
    const versions = [
      '1.2.3',
      'v1.2.3',
      'v2.0.0',
      '2.0.0',
      '3.9.0',
      '4.0.0',
      '3.0.9',
      '4.2.1',
      '5.0.0',
      'go1.23rc1',
      'go1.23rc2',
    ];
    expect(versions.map((version) => q.allowsVersion('a', version))).toEqual([
      true,
      false,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(q.allowsVersion('b', '1.2.3')).toBe(false); // no Versions: nothing allowed
  });

  it('a range admits a plain release only: never +build metadata, =, spaces or loose forms', () => {
    const versions = [
      '3.2.0',
      'v3.2.0',
      '3.2.0+build.7',
      '=3.2.0',
      '3.2.0 ',
      '03.2.0',
      '3.2',
      'v3.2.0+x',
    ];
    expect(versions.map((version) => q.allowsVersion('a', version))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['node22.5.0+x', 'node=22.5.0'].map((runtime) => q.allowsRuntime(runtime))).toEqual([
      false,
      false,
    ]);
  });

  it("MaxStacks: the config's, or 256", () => {
    const withMax = buildQuery({
      GOOS: [],
      GOARCH: [],
      GoVersion: [],
      SampleRate: 0,
      Programs: [{ Name: 'p', Versions: [], Counters: [], Stacks: [], MaxStacks: 3 }],
    });
    expect([withMax.maxStacks('p'), q.maxStacks('a'), q.maxStacks('nowhere')]).toEqual([
      3, 256, 256,
    ]);
  });

  it('rates: a listed Rate 0 is 0, not null; SampleRate decides whether a report is kept', () => {
    expect([
      q.counterRate('a', 'a/x:1'),
      q.counterRate('a', 'a/x:2'),
      q.counterRate('a', 'a/never'),
    ]).toEqual([0.5, 0.5, 0]);
    expect(q.stackRate('b', 'b/bug\nf')).toEqual({ rate: 0.1, depth: 0 });
    expect(q.sampleRate).toBe(0.25);
    expect([q.keepsReport(0.25), q.keepsReport(0.2500001)]).toEqual([true, false]);
    const all = buildQuery({ GOOS: [], GOARCH: [], GoVersion: [], SampleRate: 0, Programs: [] });
    expect([all.keepsReport(0.99), all.allowsOS('linux'), all.allowsProgram('a')]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('refuses a hand-made object the parser would refuse', () => {
    const bad = {
      GOOS: [],
      GOARCH: [],
      GoVersion: [],
      SampleRate: 1,
      Programs: [
        { Name: 'a', Versions: [], Counters: [{ Name: 'a:{x, y}', Rate: 1 }], Stacks: [] },
      ],
    };
    expect(() => buildQuery(bad)).toThrow(ConfigError);
  });
});

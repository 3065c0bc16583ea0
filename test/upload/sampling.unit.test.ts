// Sampling over 10,000 simulated reports: one X per report from the cryptographic source in
// (0, 1]; the report kept iff X ≤ SampleRate, a counter iff X ≤ its Rate. Kept fractions must lie
// within 5 standard deviations of the rates (a false failure about once in 3.5 million runs).
import { describe, expect, it } from 'vitest';
import { buildQuery } from '../../config/index.js';
import { parseCountFile } from '../../counter/countfile/index.js';
import { decide, layout } from '../../counter/settings/index.js';
import { collectorReport, drawX } from '../../upload/index.js';
import { readOnly, tempDir } from '../helpers.js';
import { configFor } from './collector.js';
import { setMode, writeCountFile } from './fixture.js';

const N = 10_000;
const within = (kept: number, count: number, probability: number): void => {
  const sd = Math.sqrt((probability * (1 - probability)) / count);
  expect(Math.abs(kept / count - probability)).toBeLessThan(5 * sd);
};

describe('sampling', () => {
  it('X is in (0, 1] and uniform', () => {
    const xs = Array.from({ length: 102_400 }, drawX);
    expect(xs.every((x) => x > 0 && x <= 1)).toBe(true);
    within(xs.filter((x) => x <= 1 / 1024).length, xs.length, 1 / 1024); // Go's test: 30–170 below 1/1024
    within(xs.filter((x) => x <= 0.5).length, xs.length, 0.5);
  });

  it('report and counter fractions match SampleRate and Rates over 10,000 reports', () => {
    const root = tempDir('tt-sampling-');
    setMode(root, 'tool', 'on', '2026-11-01');
    const file = writeCountFile(root, {
      program: 'tool',
      begin: '2026-11-10',
      end: '2026-11-17',
      counts: { 'tool/a': 1, 'tool/b': 1, 'tool/c': 1 },
    });
    const r = readOnly(file);
    const files = [
      {
        file,
        ...r,
        info: {
          program: 'tool',
          version: '1.0.0',
          runtime: 'node20.20.2',
          os: 'linux',
          arch: 'x64',
          timeBegin: '2026-11-10T00:00:00Z',
          timeEnd: '2026-11-17T00:00:00Z',
        },
      },
    ];
    void parseCountFile;
    const query = buildQuery(
      JSON.stringify(
        configFor(['tool'], {
          sampleRate: 0.6,
          counters: [
            { Name: 'tool/a', Rate: 1 },
            { Name: 'tool/b', Rate: 0.3 },
            { Name: 'tool/c', Rate: 0 },
          ],
        }),
      ),
    );
    const decision = decide({ dirs: layout(root), program: 'tool', env: {} });
    const state = () => ({
      program: 'tool',
      decision,
      asof: '2026-11-01',
      collector: undefined,
      cid: undefined,
    });
    let kept = 0;
    const counters = { 'tool/a': 0, 'tool/b': 0, 'tool/c': 0 };
    for (let i = 0; i < N; i++) {
      const b = collectorReport({
        week: '2026-11-17',
        lastWeek: '',
        x: drawX(),
        config: 'v0',
        query,
        files,
        state,
      });
      if (b.kind !== 'report') continue;
      kept++;
      for (const k of Object.keys(b.report.Programs![0]!.Counters))
        counters[k as keyof typeof counters]++;
    }
    within(kept, N, 0.6);
    expect(counters['tool/a']).toBe(kept); // Rate 1: in every kept report
    within(counters['tool/b'], N, 0.3); // nested: X ≤ 0.3 implies X ≤ 0.6
    expect(counters['tool/c']).toBe(0); // Rate 0: never, as X > 0
  });
});

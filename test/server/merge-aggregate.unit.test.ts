// server/merge's pure half: reading reports exactly, weeks and runtimes, the noise's
// distribution, CSV. What an aggregate publishes (sums, k-anonymity, noise on or off):
// merge-publish.unit.test.ts.
import { describe, expect, it } from 'vitest';
import {
  type WeekCells,
  addReport,
  aggregateToCSV,
  asLine,
  buildAggregate,
  geometricNoise,
  parseReport,
  runtimeMajor,
  stringifyExact,
  weekOf,
} from '../../server/merge/index.js';

const MAX_U64 = '18446744073709551615';

describe('reading reports', () => {
  it('keeps every digit of counts above 2^53-1 and sums them exactly', () => {
    const body = `{"Week":"2026-11-29","LastWeek":"","X":0.5,"Config":"v1","Programs":[{"Program":"p","Version":"1","GoVersion":"node22.1.0","GOOS":"linux","GOARCH":"x64","Counters":{"big":${MAX_U64},"name:12345678901234567,":9007199254740993},"Stacks":{}}]}`;
    const r = parseReport(body);
    expect(r.programs[0]!.counters['big']).toBe(2n ** 64n - 1n);
    expect(r.programs[0]!.counters['name:12345678901234567,']).toBe(9007199254740993n);
    const byWeek = new Map<string, WeekCells>();
    addReport(byWeek, r);
    addReport(byWeek, parseReport(body.replace('0.5', '0.25')));
    const a = buildAggregate('2026-11-29', byWeek.get('2026-11-29')!, {
      publish: 'raw',
      k: 20,
      final: false,
    });
    const big = a.cells[0]!.counters.find((counter) => counter.name === 'big')!;
    expect(big.total).toBe((2n ** 64n - 1n) * 2n);
    expect(stringifyExact(big)).toContain(`"total":${(2n ** 64n - 1n) * 2n}`);
  });

  it('refuses a report that is not in the shape, naming the field', () => {
    expect(() => parseReport('{"Week":"2026-11-29","X":0.5,"Programs":[{"Program":"p"}]}')).toThrow(
      /Programs\[0\]\.Version: not a string/,
    );
    expect(() => parseReport('{"Week":"nope","X":0.5,"Programs":null}')).toThrow(
      /Week: not a YYYY-MM-DD date/,
    );
    expect(() => parseReport('{"Week":"2026-11-29","X":0,"Programs":null}')).toThrow(
      /X: not a number/,
    );
    expect(() =>
      parseReport(
        '{"Week":"2026-11-29","X":0.5,"Programs":[{"Program":"p","Version":"1","GoVersion":"g","GOOS":"o","GOARCH":"a","Counters":{"c":-1}}]}',
      ),
    ).toThrow(/Counters\["c"\]: not a count/);
    expect(() =>
      parseReport(
        `{"Week":"2026-11-29","X":0.5,"Programs":[{"Program":"p","Version":"1","GoVersion":"g","GOOS":"o","GOARCH":"a","Counters":{"c":18446744073709551616}}]}`,
      ),
    ).toThrow(/count 18446744073709551616 is over 18446744073709551615/);
  });

  it('turns a report into one NDJSON line without touching its strings', () => {
    expect(asLine('{\n  "Week": "2026-11-29",\r\n  "a": "x y"\n}')).toBe(
      '{   "Week": "2026-11-29",   "a": "x y" }',
    );
    expect(JSON.parse(asLine('{\n"a":"b\\nc"\n}'))).toEqual({ a: 'b\nc' });
  });
});

describe('weeks and runtimes', () => {
  it('groups a report by the calendar week (Monday to Sunday, UTC) its Week falls in', () => {
    expect(weekOf('2026-11-23')).toBe('2026-11-29'); // Monday
    expect(weekOf('2026-11-29')).toBe('2026-11-29'); // Sunday
    expect(weekOf('2026-11-30')).toBe('2026-12-06');
  });
  it('publishes runtimes by major version', () => {
    expect(runtimeMajor('node22.11.0')).toBe('node22');
    expect(runtimeMajor('go1.23.4')).toBe('go1.23');
    expect(runtimeMajor('bun1')).toBe('bun1');
  });
});

describe('two-sided geometric noise', () => {
  it('has the distribution P(z) = (1-a)/(1+a) a^|z| with a = exp(-eps/delta), from the crypto RNG', () => {
    const eps = 1;
    const alpha = Math.exp(-eps);
    const n = 40_000;
    const seen = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const z = geometricNoise(eps, 1);
      seen.set(z, (seen.get(z) ?? 0) + 1);
    }
    for (const z of [0, 1, -1, 2, -2]) {
      const p = ((1 - alpha) / (1 + alpha)) * alpha ** Math.abs(z);
      const sd = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs((seen.get(z) ?? 0) / n - p)).toBeLessThan(5 * sd);
    }
  });
  it('is drawn from the uniform it is given (inversion), and refuses a bad epsilon', () => {
    const u = (() => {
      const xs = [0.5, 0.5];
      return () => xs.shift()!;
    })();
    expect(geometricNoise(1, 1, u)).toBe(0);
    expect(() => geometricNoise(0, 1)).toThrow(/epsilon > 0/);
  });
});

describe('CSV', () => {
  it('quotes stack names and keeps every digit', () => {
    const body = `{"Week":"2026-11-29","LastWeek":"","X":0.5,"Config":"v1","Programs":[{"Program":"p","Version":"1","GoVersion":"node22.1.0","GOOS":"linux","GOARCH":"x64","Counters":{"c":${MAX_U64}},"Stacks":{"crash\\nf:+1 \\"q\\"":2}}]}`;
    const wc = new Map<string, WeekCells>();
    addReport(wc, parseReport(body));
    const csv = aggregateToCSV(
      buildAggregate('2026-11-29', wc.get('2026-11-29')!, { publish: 'raw', k: 20, final: false }),
    );
    expect(csv.split('\r\n')).toEqual([
      'week,from,program,version,kind,name,reports,cell_reports,fraction,total',
      '2026-11-29,2026-11-23,p,1,reports,,1,1,1,',
      `2026-11-29,2026-11-23,p,1,counter,c,1,1,1,${MAX_U64}`,
      '2026-11-29,2026-11-23,p,1,stack,"crash\nf:+1 ""q""",1,1,1,2',
      '2026-11-29,2026-11-23,p,1,os,linux,1,1,1,',
      '2026-11-29,2026-11-23,p,1,arch,x64,1,1,1,',
      '2026-11-29,2026-11-23,p,1,runtime,node22,1,1,1,',
      '',
    ]);
  });
});

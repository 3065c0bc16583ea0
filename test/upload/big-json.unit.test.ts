// One big-integer-aware JSON reader for reports and totals (report/big-json.ts): counts above
// 2^53−1 keep every digit, and counter names are never rewritten, whatever they hold.
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../server/merge/index.js';
import { type Report, decodeReport, encodeReport, parseBigJson } from '../../upload/index.js';

/** Legal counter and stack names that look like JSON a regular expression would match. */
const NAMES = [
  'p/size:1234567890123456}',
  'p/size:12345678901234567890',
  'p/a,b:"q"',
  'p/x:9007199254740993,',
  'p/quote:"}12345678901234567',
  'p/crash\np/mod.f:+1234567890123456\n".g:+1',
  'p/back\\slash:1234567890123456\\',
];

function report(): Report {
  const counters: Record<string, number | bigint> = {};
  NAMES.forEach(
    (name, i) =>
      (counters[name] = i === 0 ? 18446744073709551615n : i === 1 ? 9007199254740993n : i),
  );
  return {
    Week: '2026-11-17',
    LastWeek: '',
    X: 0.1234567890123456,
    Programs: [
      {
        Program: 'p',
        Version: '1.0.0',
        GoVersion: 'node20.20.2',
        GOOS: 'linux',
        GOARCH: 'x64',
        Counters: counters,
        Stacks: { 'p/s\n"x:+1234567890123456}': 1234567890123456n },
      },
    ],
    Config: 'v0',
  };
}

describe('the shared big-integer JSON reader', () => {
  it('decodeReport reads back every name and count exactly', () => {
    const r = report();
    const back = decodeReport(encodeReport(r));
    expect(Object.keys(back.Programs![0]!.Counters).sort()).toEqual([...NAMES].sort());
    expect(back.Programs![0]!.Counters).toEqual({
      ...r.Programs![0]!.Counters,
      [NAMES[2]!]: 2,
      [NAMES[3]!]: 3,
    });
    expect(back.Programs![0]!.Stacks).toEqual({ 'p/s\n"x:+1234567890123456}': 1234567890123456 }); // fits a double: a number
    expect(back.X).toBe(0.1234567890123456);
    expect(encodeReport(back)).toBe(encodeReport(r));
  });

  it('the server merge reads the same names and counts', () => {
    const merged = parseReport(encodeReport(report()));
    expect(Object.keys(merged.programs[0]!.counters).sort()).toEqual([...NAMES].sort());
    expect(merged.programs[0]!.counters[NAMES[0]!]).toBe(18446744073709551615n);
    expect(merged.programs[0]!.counters[NAMES[1]!]).toBe(9007199254740993n);
  });

  it('keeps strings as they are, and bounds counts unless told not to', () => {
    const text =
      '{"a:12345678901234567}": 12345678901234567, "b": "12345678901234567", "n\\n1234567890123456": [1234567890123456789]}';
    expect(parseBigJson(text)).toEqual({
      'a:12345678901234567}': 12345678901234567n,
      b: '12345678901234567',
      'n\n1234567890123456': [1234567890123456789n],
    });
    expect(() => parseBigJson('{"a": 18446744073709551616}')).toThrow(/over/);
    expect(parseBigJson('{"a": 18446744073709551616}', null)).toEqual({ a: 18446744073709551616n });
  });
});

// The canonical bytes intake stores (server/serve/canonical.ts) are Go's json.Marshal of the
// report: the reports of test/go-interop/go-sample-reports.ts (escapes, HTML characters,
// U+2028, keys past U+FFFF, tiny X, counts past 2^53) are decoded by Go's encoding/json and
// written back; Go's indented output without its indentation must equal ours, whatever padding
// was sent.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { canonicalBody, canonicalX } from '../../server/serve/index.js';
import { encodeReport } from '../../upload/index.js';
import { goProgram, skipGo } from '../go-interop/go.js';
import { GO_SAMPLE_REPORTS } from '../go-interop/go-sample-reports.js';

/** JSON without the whitespace between tokens (what json.Compact does to Go's indented output). */
function compact(json: string): string {
  let out = '';
  let inString = false;
  for (let at = 0; at < json.length; at++) {
    const c = json[at]!;
    if (inString) {
      out += c;
      if (c === '\\') out += json[++at];
      else if (c === '"') inString = false;
    } else if (c === '"') (inString = true), (out += c);
    else if (!' \n\r\t'.includes(c)) out += c;
  }
  return out;
}

describe('canonical bytes', () => {
  it('padding, whitespace and key order do not change them; X is the number, not its text', () => {
    const one = canonicalBody(
      '{"Week":"2026-11-17","LastWeek":"","X":0.5,"Programs":[{"Program":"p","Version":"1","GoVersion":"g","GOOS":"o","GOARCH":"a","Counters":{"b":1,"a":2},"Stacks":null}],"Config":"v0"}',
    );
    const padded = `\n\n{ "Config" : "v0", "X": 0.50, "Week":"2026-11-17" ,"LastWeek":"",\t"Programs":[{"Stacks":null,"Counters":{"a":2, "b":1},"GOARCH":"a","GOOS":"o","GoVersion":"g","Version":"1","Program":"p"}]}${' '.repeat(5000)}`;
    expect(canonicalBody(padded)).toBe(one);
    expect(one).toBe(
      '{"Week":"2026-11-17","LastWeek":"","X":0.5,"Programs":[{"Program":"p","Version":"1","GoVersion":"g","GOOS":"o","GOARCH":"a","Counters":{"a":2,"b":1},"Stacks":null}],"Config":"v0"}',
    );
    const xs = ['1', '1.0', '1e0', '0.25', '2.5e-1', '0.0000001'];
    expect(xs.map(canonicalX)).toEqual(['1', '1', '1', '0.25', '0.25', '1e-7']);
    expect(() => canonicalBody('{"Week":"2026-11-17"}')).toThrow(/field is missing/);
  });

  it.skipIf(skipGo)(
    "equal Go's json.Marshal of the same report",
    () => {
      const bin = goProgram('report');
      const sent = GO_SAMPLE_REPORTS.map(encodeReport);
      const output = execFileSync(bin, { input: JSON.stringify(sent), encoding: 'utf8' });
      const goOut = JSON.parse(output) as string[];
      expect(sent.map(canonicalBody)).toEqual(goOut.map(compact));
    },
    600_000,
  );
});

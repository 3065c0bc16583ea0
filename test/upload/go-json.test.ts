// The report's bytes equal Go's: each report is decoded by Go's encoding/json into the field
// layout of golang.org/x/telemetry's Report and written back with json.MarshalIndent(r, "", " "),
// as Go's uploader writes its files; the output must equal our bytes exactly.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeReport } from '../../upload/index.js';
import { goProgram, skipGo } from '../go-interop/go.js';
import { GO_SAMPLE_REPORTS } from '../go-interop/go-sample-reports.js';

describe.skipIf(skipGo)("the report's bytes (Go's encoding/json)", () => {
  it('equal what Go writes for the same report', () => {
    const bin = goProgram('report');
    const ours = GO_SAMPLE_REPORTS.map(encodeReport);
    const goOut = JSON.parse(
      execFileSync(bin, { input: JSON.stringify(ours), encoding: 'utf8' }),
    ) as string[];
    expect(goOut).toEqual(ours);
  }, 600_000);
});

// The report's bytes equal Go's: each report is decoded by Go's encoding/json into the field
// layout of golang.org/x/telemetry's Report and written back with json.MarshalIndent(r, "", " "),
// as Go's uploader writes its files; the output must equal our bytes exactly.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeReport, type Report } from '../../upload/index.js';
import { goProgram, skipGo } from '../go-interop/go.js';

const reports: Report[] = [
  { Week: '2026-11-17', LastWeek: '', X: 0.6170818863451481, Programs: null, Config: 'v0' },
  { Week: '2026-11-17', LastWeek: '2026-11-10', X: 1, Programs: [], Config: '' },
  ...[1e-7, 1.234e-10, 5e-324, 0.000001, 0.1, 2 ** -53, 1 - 2 ** -53].map((sampleX) => ({
    Week: '2026-11-17',
    LastWeek: '',
    X: sampleX,
    Programs: null,
    Config: 'v1',
  })),
  {
    Week: '2026-11-17',
    LastWeek: '2026-11-10',
    X: 0.25,
    Config: 'v12',
    Programs: [
      {
        Program: '@acme/my-cli',
        Version: '1.2.0-rc.1+build',
        GoVersion: 'node22.11.0',
        GOOS: 'linux',
        GOARCH: 'x64',
        Counters: {
          'b/z': 1,
          'a/<tag>&amp': 9007199254740993n,
          'é/ü': 3,
          '日本/語': 4,
          'sep\u2028x\u2029': 5,
          'ctl\u0001\u001f\u007f\b\f\t': 6,
          'quote"back\\slash': 7,
          'Z/upper': 0,
          '🚀/rocket': (1n << 63n) - 1n,
        },
        Stacks: { 'x/crash\nmod.a:+1\nmod.b:+2': 2, 'x/crash\nmod.a:+1': 1 },
      },
      {
        Program: 'tool',
        Version: '',
        GoVersion: 'devel',
        GOOS: 'darwin',
        GOARCH: 'arm64',
        Counters: {},
        Stacks: {},
      },
    ],
  },
];

describe.skipIf(skipGo)("the report's bytes (Go's encoding/json)", () => {
  it('equal what Go writes for the same report', () => {
    const bin = goProgram('report');
    const ours = reports.map(encodeReport);
    const goOut = JSON.parse(
      execFileSync(bin, { input: JSON.stringify(ours), encoding: 'utf8' }),
    ) as string[];
    expect(goOut).toEqual(ours);
  }, 600_000);
});

// Reports that exercise every corner of the report's JSON (escapes, HTML characters, U+2028,
// keys past U+FFFF, control characters, tiny X, counts past 2^53 and up to 2^63−1, stack names
// with newlines), shared by the tests that compare our bytes with Go's encoding/json: the
// uploader's indented form (test/upload/go-json.test.ts) and intake's canonical form
// (test/server/canonical.test.ts).
import type { Report } from '../../upload/index.js';

const stacks = { 'x/crash\nmod.a:+1\nmod.b:+2': 2, 'x/crash\nmod.a:+1': 1 };

export const GO_SAMPLE_REPORTS: Report[] = [
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
          '\uffff/last-bmp': 8,
        },
        Stacks: stacks,
      },
      {
        Program: 'tool',
        Version: '',
        GoVersion: 'devel',
        GOOS: 'darwin',
        GOARCH: 'arm64',
        Counters: {},
        Stacks: stacks,
      },
    ],
  },
];

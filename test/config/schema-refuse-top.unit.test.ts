// The collection config's parser (config/schema.ts) refuses bad input, naming its path and
// reason: the input as a whole, the top-level lists, and each program's own fields.
import { describe, it } from 'vitest';
import { MAX_ENTRIES, MAX_INPUT_BYTES } from '../../config/schema.js';
import { type Cfg, expectRefusal, p0, type Refusal } from './schema-refusals.js';

describe('parseConfig refuses bad input with its path and reason', () => {
  const table: Refusal[] = [
    ['not json', '{"GOOS": [', 'json', '', /^invalid json: /],
    ['bytes that are not utf-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'json', '', /^invalid json: /],
    [
      'too large',
      ' '.repeat(MAX_INPUT_BYTES + 1),
      'too-large',
      '',
      /input is 4194305 bytes \(at most 4194304\)/,
    ],
    ['root is an array', '[]', 'type', '', /must be an object, got an array/],
    ['unknown root field', (c) => (c.Extra = 1), 'unknown-field', 'Extra', /unknown field/],
    [
      'GOOS not a list',
      (c) => ((c as Record<string, unknown>).GOOS = 'linux'),
      'type',
      'GOOS',
      /must be an array, got string/,
    ],
    [
      'GOOS entry a number',
      (c) => ((c.GOOS as unknown[])[1] = 7),
      'type',
      'GOOS[1]',
      /must be a string, got number/,
    ],
    ['GOOS entry empty', (c) => (c.GOOS[0] = ''), 'value', 'GOOS[0]', /os is empty/],
    ['GOOS duplicate', (c) => c.GOOS.push('linux'), 'duplicate', 'GOOS[2]', /duplicate "linux"/],
    [
      'GOOS too many',
      (c) => (c.GOOS = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => `os${i}`)),
      'too-many',
      'GOOS',
      /10001 entries \(at most 10000\)/,
    ],
    [
      'GOARCH whitespace',
      (c) => (c.GOARCH[0] = 'x 64'),
      'value',
      'GOARCH[0]',
      /arch contains whitespace/,
    ],
    [
      'GoVersion bare node',
      (c) => (c.GoVersion[0] = 'node'),
      'value',
      'GoVersion[0]',
      /names no version/,
    ],
    [
      'GoVersion bad range',
      (c) => (c.GoVersion[0] = 'node>=20 <'),
      'value',
      'GoVersion[0]',
      /invalid semver range/,
    ],
    [
      'SampleRate missing',
      (c) => delete (c as Partial<Cfg>).SampleRate,
      'missing',
      'SampleRate',
      /^missing$/,
    ],
    [
      'SampleRate a string',
      (c) => ((c as Record<string, unknown>).SampleRate = '1'),
      'type',
      'SampleRate',
      /must be a number, got string/,
    ],
    [
      'SampleRate NaN',
      (c) => (c.SampleRate = NaN),
      'value',
      'SampleRate',
      /must be a finite number, got NaN/,
    ],
    [
      'SampleRate above 1',
      (c) => (c.SampleRate = 1.5),
      'value',
      'SampleRate',
      /must be in \[0, 1\], got 1.5/,
    ],
    [
      'Programs an object',
      (c) => ((c as Record<string, unknown>).Programs = {}),
      'type',
      'Programs',
      /must be an array, got object/,
    ],
    [
      'program null',
      (c) => ((c.Programs as unknown[])[0] = null),
      'type',
      'Programs[0]',
      /must be an object, got null/,
    ],
    [
      'program unknown field',
      (c) => ((c.Programs[1] as Record<string, unknown>).Rate = 1),
      'unknown-field',
      'Programs[1].Rate',
      /unknown field \(known: Name, Versions, Counters, Stacks, MaxStacks\)/,
    ],
    [
      'program Name missing',
      (c) => delete (c.Programs[1] as Partial<{ Name: string }>).Name,
      'missing',
      'Programs[1].Name',
      /^missing$/,
    ],
    [
      'program Name empty',
      (c) => (c.Programs[1]!.Name = ''),
      'value',
      'Programs[1].Name',
      /program name is empty/,
    ],
    [
      'program Name duplicate',
      (c) => (c.Programs[1]!.Name = 'p'),
      'duplicate',
      'Programs[1].Name',
      /duplicate program "p"/,
    ],
    [
      'Versions bad range',
      (c) => p0(c).Versions.push('>=1 <'),
      'value',
      'Programs[0].Versions[1]',
      /invalid semver range ">=1 <"/,
    ],
    [
      'Versions duplicate',
      (c) => p0(c).Versions.push('1.0.0'),
      'duplicate',
      'Programs[0].Versions[1]',
      /duplicate "1.0.0"/,
    ],
  ];
  it.each(table)('%s', expectRefusal);
});

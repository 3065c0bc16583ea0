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
    [
      'unknown root field',
      (config) => (config.Extra = 1),
      'unknown-field',
      'Extra',
      /unknown field/,
    ],
    [
      'GOOS not a list',
      (config) => ((config as Record<string, unknown>).GOOS = 'linux'),
      'type',
      'GOOS',
      /must be an array, got string/,
    ],
    [
      'GOOS entry a number',
      (config) => ((config.GOOS as unknown[])[1] = 7),
      'type',
      'GOOS[1]',
      /must be a string, got number/,
    ],
    ['GOOS entry empty', (config) => (config.GOOS[0] = ''), 'value', 'GOOS[0]', /os is empty/],
    [
      'GOOS duplicate',
      (config) => config.GOOS.push('linux'),
      'duplicate',
      'GOOS[2]',
      /duplicate "linux"/,
    ],
    [
      'GOOS too many',
      (config) => (config.GOOS = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => `os${i}`)),
      'too-many',
      'GOOS',
      /10001 entries \(at most 10000\)/,
    ],
    [
      'GOARCH whitespace',
      (config) => (config.GOARCH[0] = 'x 64'),
      'value',
      'GOARCH[0]',
      /arch contains whitespace/,
    ],
    [
      'GoVersion bare node',
      (config) => (config.GoVersion[0] = 'node'),
      'value',
      'GoVersion[0]',
      /names no version/,
    ],
    [
      'GoVersion bad range',
      (config) => (config.GoVersion[0] = 'node>=20 <'),
      'value',
      'GoVersion[0]',
      /invalid semver range/,
    ],
    [
      'SampleRate missing',
      (config) => delete (config as Partial<Cfg>).SampleRate,
      'missing',
      'SampleRate',
      /^missing$/,
    ],
    [
      'SampleRate a string',
      (config) => ((config as Record<string, unknown>).SampleRate = '1'),
      'type',
      'SampleRate',
      /must be a number, got string/,
    ],
    [
      'SampleRate NaN',
      (config) => (config.SampleRate = NaN),
      'value',
      'SampleRate',
      /must be a finite number, got NaN/,
    ],
    [
      'SampleRate above 1',
      (config) => (config.SampleRate = 1.5),
      'value',
      'SampleRate',
      /must be in \[0, 1\], got 1.5/,
    ],
    [
      'Programs an object',
      (config) => ((config as Record<string, unknown>).Programs = {}),
      'type',
      'Programs',
      /must be an array, got object/,
    ],
    [
      'program null',
      (config) => ((config.Programs as unknown[])[0] = null),
      'type',
      'Programs[0]',
      /must be an object, got null/,
    ],
    [
      'program unknown field',
      (config) => ((config.Programs[1] as Record<string, unknown>).Rate = 1),
      'unknown-field',
      'Programs[1].Rate',
      /unknown field \(known: Name, Versions, Counters, Stacks, MaxStacks\)/,
    ],
    [
      'program Name missing',
      (config) => delete (config.Programs[1] as Partial<{ Name: string }>).Name,
      'missing',
      'Programs[1].Name',
      /^missing$/,
    ],
    [
      'program Name empty',
      (config) => (config.Programs[1]!.Name = ''),
      'value',
      'Programs[1].Name',
      /program name is empty/,
    ],
    [
      'program Name duplicate',
      (config) => (config.Programs[1]!.Name = 'p'),
      'duplicate',
      'Programs[1].Name',
      /duplicate program "p"/,
    ],
    [
      'Versions bad range',
      (config) => p0(config).Versions.push('>=1 <'),
      'value',
      'Programs[0].Versions[1]',
      /invalid semver range ">=1 <"/,
    ],
    [
      'Versions duplicate',
      (config) => p0(config).Versions.push('1.0.0'),
      'duplicate',
      'Programs[0].Versions[1]',
      /duplicate "1.0.0"/,
    ],
  ];
  it.each(table)('%s', expectRefusal);
});

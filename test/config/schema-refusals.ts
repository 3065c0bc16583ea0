// What the collection config's refusal tables share (schema-refuse-*.unit.test.ts): a valid
// config to break, short ways into it, and the check every refusal must pass.
import { expect } from 'vitest';
import { ConfigError, type ConfigErrorCode, parseConfig } from '../../config/schema.js';

// Loosely typed on purpose: the cases below break the config in ways its type forbids.
// biome-ignore lint/suspicious/noExplicitAny: the cases break the config in ways its type forbids
export type Cfg = Record<string, any>;
export const base = (): Cfg => ({
  GOOS: ['linux', 'darwin'],
  GOARCH: ['x64'],
  GoVersion: ['node20'],
  SampleRate: 1,
  Programs: [
    {
      Name: 'p',
      Versions: ['1.0.0'],
      Counters: [{ Name: 'p/c', Rate: 1 }],
      Stacks: [{ Name: 'p/s', Rate: 1, Depth: 8 }],
    },
    { Name: 'q' },
  ],
});
export const p0 = (config: Cfg): Cfg => config.Programs[0];
export const counter0 = (config: Cfg): Cfg => p0(config).Counters[0];
export const stack0 = (config: Cfg): Cfg => p0(config).Stacks[0];

/** [case, edit of a valid config (or the raw input), code, path, reason] */
export type Refusal = [
  string,
  ((config: Cfg) => void) | string | Uint8Array,
  ConfigErrorCode,
  string,
  RegExp,
];

/** parseConfig refuses the edited config with this code, path and reason, as object and as JSON. */
export function expectRefusal(
  caseName: string,
  edit: Refusal[1],
  code: ConfigErrorCode,
  path: string,
  reason: RegExp,
): void {
  let input: unknown = edit;
  if (typeof edit === 'function') {
    const c = base();
    edit(c);
    input = c;
  }
  let err: unknown;
  try {
    parseConfig(input);
  } catch (error) {
    err = error;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const e = err as ConfigError;
  expect({ code: e.code, path: e.path }).toEqual({ code, path });
  expect(e.reason).toMatch(reason);
  expect(e.message).toBe(`collection config${path ? ` ${path}` : ''}: ${e.reason}`);
  // The same problem in JSON text gives the same answer (NaN and Infinity have no JSON form).
  if (typeof edit === 'function' && !/NaN|Infinity|sparse/.test(caseName)) {
    expect(() => parseConfig(JSON.stringify(input))).toThrow(e.message);
  }
}

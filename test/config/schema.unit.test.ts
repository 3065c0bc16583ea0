// The collection config's strict parser (config/schema.ts): what it accepts. What it refuses:
// schema-refuse-*.unit.test.ts; its string rules: expand.unit.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/schema.js';
import { ROOT } from '../helpers.js';
import { base } from './schema-refusals.js';

describe('parseConfig accepts', () => {
  it('the base config, as plain data in Go shape with the optional lists filled in', () => {
    const c = parseConfig(JSON.stringify(base()));
    expect(c.Programs[1]).toEqual({ Name: 'q', Versions: [], Counters: [], Stacks: [] });
    expect(c.Programs[0]!.Stacks[0]).toEqual({ Name: 'p/s', Rate: 1, Depth: 8 });
  });

  it('missing or null lists as empty, a stack without Depth as depth 0, Rate 0, SampleRate 0', () => {
    expect(parseConfig('{"SampleRate":0}')).toEqual({
      GOOS: [],
      GOARCH: [],
      GoVersion: [],
      SampleRate: 0,
      Programs: [],
    });
    const c = parseConfig({
      SampleRate: 0,
      GOOS: null,
      Programs: [{ Name: 'p', Counters: null, Stacks: [{ Name: 'p/s', Rate: 0 }] }],
    });
    expect(c.GOOS).toEqual([]);
    expect(c.Programs[0]!.Stacks).toEqual([{ Name: 'p/s', Rate: 0, Depth: 0 }]);
  });

  it('UTF-8 bytes, and returns a copy the caller cannot change through its input', () => {
    const input = base();
    const c = parseConfig(input);
    input.Programs[0]!.Counters[0]!.Rate = 0;
    expect(c.Programs[0]!.Counters[0]!.Rate).toBe(1);
    expect(parseConfig(new TextEncoder().encode(JSON.stringify(base())))).toEqual(c);
  });

  it('examples/collection-config.json, the demo tool config', () => {
    const c = parseConfig(readFileSync(join(ROOT, 'examples', 'collection-config.json'), 'utf8'));
    expect(c.Programs.map((program) => program.Name)).toEqual(['demo-tool']);
    expect(c.Programs[0]!.Versions).toEqual(['>=1.0.0 <2']);
    expect(c.GOOS).toEqual(['darwin', 'linux', 'win32']);
  });
});

// The collection config's strict parser (config/schema.ts) and its string rules (config/expand.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyRuntime, classifyVersion, expandCounter, goExpand } from '../../config/expand.js';
import { ConfigError, MAX_ENTRIES, MAX_INPUT_BYTES, parseConfig, type ConfigErrorCode } from '../../config/schema.js';
import { ROOT } from '../helpers.js';

describe('group expansion: Go rules and ours', () => {
  // [config Name, Go's expansion, ours: the same names, or a reason]
  const table: Array<[string, string[], string[] | RegExp]> = [
    ['go/invocations', ['go/invocations'], ['go/invocations']],
    ['editor:{emacs,vim,vscode,other}', ['editor:emacs', 'editor:vim', 'editor:vscode', 'editor:other'], ['editor:emacs', 'editor:vim', 'editor:vscode', 'editor:other']],
    ['go/buildcache/miss:{0,0.1,50}', ['go/buildcache/miss:0', 'go/buildcache/miss:0.1', 'go/buildcache/miss:50'], ['go/buildcache/miss:0', 'go/buildcache/miss:0.1', 'go/buildcache/miss:50']],
    ['go/build/flag:{buildmode}', ['go/build/flag:buildmode'], ['go/build/flag:buildmode']],
    // Go keeps the space after the comma; our counter names may hold none, so it is refused.
    ['gopls/editor:{expected, other}', ['gopls/editor:expected', 'gopls/editor: other'], /group piece 1 " other" contains whitespace/],
    ['a:{b,{c}}', ['a:b', 'a:{c}'], /nested or second/],
    ['a:{b,c}}', ['a:b', 'a:c}'], /nested or second/],
    ['a:{b,c', ['a:b', 'a:c'], /no closing "}"/],
    ['a:{b}c', ['a:b}c'], /no closing "}"/],
    ['a:{}', ['a:'], /piece 0 is empty/],
    ['a:{x,}', ['a:x', 'a:'], /piece 1 is empty/],
    ['chart{a,b}', ['charta', 'chartb'], /must follow the ":"/],
    ['a:b:{c}', ['a:b:c'], /prefix has more than one ":"/],
    ['a:{b:c}', ['a:b:c'], /expanded name "a:b:c" has more than one ":"/],
    ['a:{x,x}', ['a:x', 'a:x'], ['a:x', 'a:x']], // duplicates are the parser's to refuse
    ['a}b', ['a}b'], /outside a group/],
  ];
  it.each(table)('%j', (name, go, ours) => {
    expect(goExpand(name)).toEqual(go);
    const x = expandCounter(name);
    if (Array.isArray(ours)) {
      expect(x).toEqual({ names: ours });
      expect(ours).toEqual(go); // what we accept, we expand exactly as Go does
    } else expect('reason' in x && x.reason).toMatch(ours);
  });

  it('caps the pieces of one group before building names', () => {
    const x = expandCounter(`a:{${Array.from({ length: 11 }, (_, i) => i).join(',')}}`, 10);
    expect(x).toEqual({ reason: 'group has 11 pieces (at most 10)' });
  });
});

describe('version entries', () => {
  const table: Array<[string, 'exact' | 'range' | RegExp]> = [
    ['1.2.3', 'exact'],
    ['v0.15.3', 'exact'],
    ['1.0.0-beta.1', 'exact'],
    ['go1.23.4', 'exact'], // Go's entries are opaque exact strings
    ['go1.9.2rc2', 'exact'],
    ['>=1.0.0 <2', 'range'],
    ['^1.2.0', 'range'],
    ['1.x', 'range'],
    ['1', 'range'],
    ['1.2.3 - 1.4', 'range'],
    ['<1.0.0 || >=3', 'range'],
    ['>=1.0.0 <', /invalid semver range/],
    ['>=foo', /invalid semver range/],
    ['^1.2.3.4', /invalid semver range/],
    [' 1.2.3', /leading or trailing whitespace/],
    ['', /empty version/],
    ['9'.repeat(300), /longer than 256 bytes/],
  ];
  it.each(table)('%j is %s', (v, want) => {
    const spec = classifyVersion(v);
    if (want instanceof RegExp) expect('reason' in spec && spec.reason).toMatch(want);
    else expect(spec).toEqual({ [want]: v });
  });

  it('runtime entries: node<version> reads the rest as a version, others are exact', () => {
    expect(classifyRuntime('node20.20.2')).toEqual({ exact: 'node20.20.2' });
    expect(classifyRuntime('node22')).toEqual({ range: '22' });
    expect(classifyRuntime('node>=20 <25')).toEqual({ range: '>=20 <25' });
    expect(classifyRuntime('go1.23.4')).toEqual({ exact: 'go1.23.4' });
    expect(classifyRuntime('node')).toMatchObject({ reason: expect.stringMatching(/names no version/) });
    expect(classifyRuntime('node>=foo')).toMatchObject({ reason: expect.stringMatching(/invalid semver range/) });
    expect(classifyRuntime('go 1.2')).toMatchObject({ reason: 'runtime contains whitespace' });
  });
});

// Loosely typed on purpose: the cases below break the config in ways its type forbids.
// biome-ignore lint/suspicious/noExplicitAny: the cases break the config in ways its type forbids
type Cfg = Record<string, any>;
const base = (): Cfg => ({
  GOOS: ['linux', 'darwin'],
  GOARCH: ['x64'],
  GoVersion: ['node20'],
  SampleRate: 1,
  Programs: [
    { Name: 'p', Versions: ['1.0.0'], Counters: [{ Name: 'p/c', Rate: 1 }], Stacks: [{ Name: 'p/s', Rate: 1, Depth: 8 }] },
    { Name: 'q' },
  ],
});
const p0 = (c: Cfg): Cfg => c.Programs[0];
const counter0 = (c: Cfg): Cfg => p0(c).Counters[0];
const stack0 = (c: Cfg): Cfg => p0(c).Stacks[0];

describe('parseConfig refuses bad input with its path and reason', () => {
  // [case, edit of a valid config (or the raw input), code, path, reason]
  const table: Array<[string, ((c: Cfg) => void) | string | Uint8Array, ConfigErrorCode, string, RegExp]> = [
    ['not json', '{"GOOS": [', 'json', '', /^invalid json: /],
    ['bytes that are not utf-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'json', '', /^invalid json: /],
    ['too large', ' '.repeat(MAX_INPUT_BYTES + 1), 'too-large', '', /input is 4194305 bytes \(at most 4194304\)/],
    ['root is an array', '[]', 'type', '', /must be an object, got an array/],
    ['unknown root field', (c) => (c.Extra = 1), 'unknown-field', 'Extra', /unknown field/],
    ['GOOS not a list', (c) => ((c as Record<string, unknown>).GOOS = 'linux'), 'type', 'GOOS', /must be an array, got string/],
    ['GOOS entry a number', (c) => ((c.GOOS as unknown[])[1] = 7), 'type', 'GOOS[1]', /must be a string, got number/],
    ['GOOS entry empty', (c) => (c.GOOS[0] = ''), 'value', 'GOOS[0]', /os is empty/],
    ['GOOS duplicate', (c) => c.GOOS.push('linux'), 'duplicate', 'GOOS[2]', /duplicate "linux"/],
    ['GOOS too many', (c) => (c.GOOS = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => `os${i}`)), 'too-many', 'GOOS', /10001 entries \(at most 10000\)/],
    ['GOARCH whitespace', (c) => (c.GOARCH[0] = 'x 64'), 'value', 'GOARCH[0]', /arch contains whitespace/],
    ['GoVersion bare node', (c) => (c.GoVersion[0] = 'node'), 'value', 'GoVersion[0]', /names no version/],
    ['GoVersion bad range', (c) => (c.GoVersion[0] = 'node>=20 <'), 'value', 'GoVersion[0]', /invalid semver range/],
    ['SampleRate missing', (c) => delete (c as Partial<Cfg>).SampleRate, 'missing', 'SampleRate', /^missing$/],
    ['SampleRate a string', (c) => ((c as Record<string, unknown>).SampleRate = '1'), 'type', 'SampleRate', /must be a number, got string/],
    ['SampleRate NaN', (c) => (c.SampleRate = NaN), 'value', 'SampleRate', /must be a finite number, got NaN/],
    ['SampleRate above 1', (c) => (c.SampleRate = 1.5), 'value', 'SampleRate', /must be in \[0, 1\], got 1.5/],
    ['Programs an object', (c) => ((c as Record<string, unknown>).Programs = {}), 'type', 'Programs', /must be an array, got object/],
    ['program null', (c) => ((c.Programs as unknown[])[0] = null), 'type', 'Programs[0]', /must be an object, got null/],
    ['program unknown field', (c) => ((c.Programs[1] as Record<string, unknown>).Rate = 1), 'unknown-field', 'Programs[1].Rate', /unknown field \(known: Name, Versions, Counters, Stacks, MaxStacks\)/],
    ['program Name missing', (c) => delete (c.Programs[1] as Partial<{ Name: string }>).Name, 'missing', 'Programs[1].Name', /^missing$/],
    ['program Name empty', (c) => (c.Programs[1]!.Name = ''), 'value', 'Programs[1].Name', /program name is empty/],
    ['program Name duplicate', (c) => (c.Programs[1]!.Name = 'p'), 'duplicate', 'Programs[1].Name', /duplicate program "p"/],
    ['Versions bad range', (c) => p0(c).Versions.push('>=1 <'), 'value', 'Programs[0].Versions[1]', /invalid semver range ">=1 <"/],
    ['Versions duplicate', (c) => p0(c).Versions.push('1.0.0'), 'duplicate', 'Programs[0].Versions[1]', /duplicate "1.0.0"/],
    ['counter not an object', (c) => ((p0(c).Counters as unknown[])[0] = 'p/c'), 'type', 'Programs[0].Counters[0]', /must be an object, got string/],
    ['counter Name a number', (c) => (counter0(c).Name = 3), 'type', 'Programs[0].Counters[0].Name', /must be a string, got number/],
    ['counter Rate negative', (c) => (counter0(c).Rate = -0.5), 'value', 'Programs[0].Counters[0].Rate', /must be in \[0, 1\], got -0.5/],
    ['counter Rate above 1', (c) => (counter0(c).Rate = 2), 'value', 'Programs[0].Counters[0].Rate', /got 2$/],
    ['counter Rate Infinity', (c) => (counter0(c).Rate = Infinity), 'value', 'Programs[0].Counters[0].Rate', /finite number, got Infinity/],
    ['counter Rate missing', (c) => delete counter0(c).Rate, 'missing', 'Programs[0].Counters[0].Rate', /^missing$/],
    ['counter with Depth', (c) => (counter0(c).Depth = 4), 'unknown-field', 'Programs[0].Counters[0].Depth', /unknown field \(known: Name, Rate\)/],
    ['counter Name empty', (c) => (counter0(c).Name = ''), 'value', 'Programs[0].Counters[0].Name', /counter name empty name/],
    ['counter Name whitespace', (c) => (counter0(c).Name = 'p/a b'), 'value', 'Programs[0].Counters[0].Name', /contains whitespace/],
    ['counter Name two colons', (c) => (counter0(c).Name = 'p:a:b'), 'value', 'Programs[0].Counters[0].Name', /more than one ":"/],
    ['counter Name control char', (c) => (counter0(c).Name = 'p/a\u0000b'), 'value', 'Programs[0].Counters[0].Name', /unprintable/],
    ['counter Name too long', (c) => (counter0(c).Name = 'p/' + 'é'.repeat(2048)), 'value', 'Programs[0].Counters[0].Name', /is 4098 bytes long \(at most 4096\)/],
    ['group piece with a space', (c) => (counter0(c).Name = 'p/e:{a, b}'), 'value', 'Programs[0].Counters[0].Name', /piece 1 " b" contains whitespace/],
    ['empty group', (c) => (counter0(c).Name = 'p/e:{}'), 'value', 'Programs[0].Counters[0].Name', /piece 0 is empty/],
    ['group not closed', (c) => (counter0(c).Name = 'p/e:{a,b'), 'value', 'Programs[0].Counters[0].Name', /no closing/],
    ['duplicate after expansion', (c) => p0(c).Counters.push({ Name: 'p/e:{a,b}', Rate: 1 }, { Name: 'p/e:b', Rate: 0.5 }), 'duplicate', 'Programs[0].Counters[2].Name', /duplicate counter or stack name "p\/e:b"/],
    ['duplicate inside a group', (c) => (counter0(c).Name = 'p/e:{a,a}'), 'duplicate', 'Programs[0].Counters[0].Name', /"p\/e:a"/],
    ['stack named like a counter', (c) => (stack0(c).Name = 'p/c'), 'duplicate', 'Programs[0].Stacks[0].Name', /duplicate counter or stack name "p\/c"/],
    ['stack in group form', (c) => (stack0(c).Name = 'p/s:{a,b}'), 'value', 'Programs[0].Stacks[0].Name', /stacks take no group form/],
    ['stack Depth above 100', (c) => (stack0(c).Depth = 101), 'value', 'Programs[0].Stacks[0].Depth', /integer in \[0, 100\], got 101/],
    ['stack Depth fractional', (c) => (stack0(c).Depth = 1.5), 'value', 'Programs[0].Stacks[0].Depth', /got 1.5/],
    ['stack Depth a string', (c) => (stack0(c).Depth = '4'), 'type', 'Programs[0].Stacks[0].Depth', /must be a number, got string/],
    ['MaxStacks negative', (c) => ((p0(c) as Record<string, unknown>).MaxStacks = -1), 'value', 'Programs[0].MaxStacks', /integer in \[0, 10000\], got -1/],
    ['MaxStacks a string', (c) => ((p0(c) as Record<string, unknown>).MaxStacks = '9'), 'type', 'Programs[0].MaxStacks', /must be a number, got string/],
    ['stack Rate missing', (c) => delete stack0(c).Rate, 'missing', 'Programs[0].Stacks[0].Rate', /^missing$/],
    ['sparse list from a caller', (c) => (p0(c).Counters = new Array(2)), 'type', 'Programs[0].Counters[0]', /got undefined/],
  ];
  it.each(table)('%s', (_, edit, code, path, reason) => {
    let input: unknown = edit;
    if (typeof edit === 'function') {
      const c = base();
      edit(c);
      input = c;
    }
    let err: unknown;
    try {
      parseConfig(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect({ code: e.code, path: e.path }).toEqual({ code, path });
    expect(e.reason).toMatch(reason);
    expect(e.message).toBe(`collection config${path ? ` ${path}` : ''}: ${e.reason}`);
    // The same problem in JSON text gives the same answer (NaN and Infinity have no JSON form).
    if (typeof edit === 'function' && !/NaN|Infinity|sparse/.test(_)) {
      expect(() => parseConfig(JSON.stringify(input))).toThrow(e.message);
    }
  });
});

describe('parseConfig accepts', () => {
  it('the base config, as plain data in Go shape with the optional lists filled in', () => {
    const c = parseConfig(JSON.stringify(base()));
    expect(c.Programs[1]).toEqual({ Name: 'q', Versions: [], Counters: [], Stacks: [] });
    expect(c.Programs[0]!.Stacks[0]).toEqual({ Name: 'p/s', Rate: 1, Depth: 8 });
  });

  it('missing or null lists as empty, a stack without Depth as depth 0, Rate 0, SampleRate 0', () => {
    expect(parseConfig('{"SampleRate":0}')).toEqual({ GOOS: [], GOARCH: [], GoVersion: [], SampleRate: 0, Programs: [] });
    const c = parseConfig({ SampleRate: 0, GOOS: null, Programs: [{ Name: 'p', Counters: null, Stacks: [{ Name: 'p/s', Rate: 0 }] }] });
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
    expect(c.Programs.map((p) => p.Name)).toEqual(['demo-tool']);
    expect(c.Programs[0]!.Versions).toEqual(['>=1.0.0 <2']);
    expect(c.GOOS).toEqual(['darwin', 'linux', 'win32']);
  });
});

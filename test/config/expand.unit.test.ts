// The collection config's string rules (config/expand.ts): group expansion against Go's, and
// version and runtime entries. The parser itself: schema*.unit.test.ts.
import { describe, expect, it } from 'vitest';
import { classifyRuntime, classifyVersion, expandCounter, goExpand } from '../../config/expand.js';

describe('group expansion: Go rules and ours', () => {
  // [config Name, Go's expansion, ours: the same names, or a reason]
  const table: Array<[string, string[], string[] | RegExp]> = [
    ['go/invocations', ['go/invocations'], ['go/invocations']],
    [
      'editor:{emacs,vim,vscode,other}',
      ['editor:emacs', 'editor:vim', 'editor:vscode', 'editor:other'],
      ['editor:emacs', 'editor:vim', 'editor:vscode', 'editor:other'],
    ],
    [
      'go/buildcache/miss:{0,0.1,50}',
      ['go/buildcache/miss:0', 'go/buildcache/miss:0.1', 'go/buildcache/miss:50'],
      ['go/buildcache/miss:0', 'go/buildcache/miss:0.1', 'go/buildcache/miss:50'],
    ],
    ['go/build/flag:{buildmode}', ['go/build/flag:buildmode'], ['go/build/flag:buildmode']],
    // Go keeps the space after the comma; our counter names may hold none, so it is refused.
    [
      'gopls/editor:{expected, other}',
      ['gopls/editor:expected', 'gopls/editor: other'],
      /group piece 1 " other" contains whitespace/,
    ],
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
  it.each(table)('%j', (name, goNames, ours) => {
    expect(goExpand(name)).toEqual(goNames);
    const x = expandCounter(name);
    if (Array.isArray(ours)) {
      expect(x).toEqual({ names: ours });
      expect(ours).toEqual(goNames); // what we accept, we expand exactly as Go does
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
  it.each(table)('%j is %s', (value, want) => {
    const spec = classifyVersion(value);
    if (want instanceof RegExp) expect('reason' in spec && spec.reason).toMatch(want);
    else expect(spec).toEqual({ [want]: value });
  });

  it('runtime entries: node<version> reads the rest as a version, others are exact', () => {
    expect(classifyRuntime('node20.20.2')).toEqual({ exact: 'node20.20.2' });
    expect(classifyRuntime('node22')).toEqual({ range: '22' });
    expect(classifyRuntime('node>=20 <25')).toEqual({ range: '>=20 <25' });
    expect(classifyRuntime('go1.23.4')).toEqual({ exact: 'go1.23.4' });
    expect(classifyRuntime('node')).toMatchObject({
      reason: expect.stringMatching(/names no version/),
    });
    expect(classifyRuntime('node>=foo')).toMatchObject({
      reason: expect.stringMatching(/invalid semver range/),
    });
    expect(classifyRuntime('go 1.2')).toMatchObject({ reason: 'runtime contains whitespace' });
  });
});

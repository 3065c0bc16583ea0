// Two regular expressions of the everyday start became loops (docs/startup.md): the count file
// name's "already safe" check and the engine hash in the code cache's name. Each loop must
// accept exactly what its expression accepted.
import { describe, expect, it } from 'vitest';
import { escapeName } from '../../counter/countfile/name.js';
import { ENGINE_HASH_MARK, codeCacheFile } from '../../counter/settings/code-cache.js';

const SAFE = /^[A-Za-z0-9._+-]*$/;
const HASH = /^[0-9a-f]{32}(?=\n|$)/;

describe('escapeName', () => {
  it('keeps exactly the names the expression called safe, and escapes the rest', () => {
    const names = ['', 'mytool', 'my-tool_1.2+b', '@acme/cli', 'tool name', 'é', '1.0.0-rc.1'];
    for (let code = 0; code < 0x180; code++) names.push(`a${String.fromCharCode(code)}b`);
    for (const name of names) {
      const escaped = escapeName(name);
      if (SAFE.test(name)) expect(escaped, name).toBe(name);
      else expect(escaped, name).toMatch(/%[0-9A-F]{2}/);
      expect(SAFE.test(escaped.replace(/%[0-9A-F]{2}/g, '')), name).toBe(true);
    }
  });
});

describe('codeCacheFile', () => {
  const hex = '0123456789abcdef0123456789abcdef';
  const tails = [
    hex,
    `${hex}\n//# sourceMappingURL=engine.cjs.map\n`,
    `${hex}x`,
    `${hex}0`,
    hex.slice(1),
    `${hex.slice(1)}\n`,
    hex.toUpperCase(),
    `${hex.slice(0, 31)}g`,
    ` ${hex}`,
    '',
  ];
  it('finds a hash exactly where the expression did', () => {
    for (const tail of tails) {
      const file = codeCacheFile('/dir', `engine source${ENGINE_HASH_MARK}${tail}`);
      const want = HASH.exec(tail)?.[0];
      const name = `engine-${want}-${process.version}-${process.arch}.v8`;
      expect(file, JSON.stringify(tail)).toBe(want === undefined ? null : `/dir/cache/${name}`);
    }
  });

  it('a source without the mark has no cache', () => {
    expect(codeCacheFile('/dir', `engine source\n${hex}`)).toBeNull();
  });
});

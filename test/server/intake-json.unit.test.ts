// The intake's JSON parser: numbers kept as their exact text, repeated keys and everything
// RFC 8259 forbids refused with the offset, nesting capped.
import { describe, expect, it } from 'vitest';
import { JsonError, JsonNumber, parseJson } from '../../server/serve/strict-json.js';

const num = (text: string) => new JsonNumber(text);

describe('intake JSON parser', () => {
  it('keeps numbers as text: no double rounds a 64-bit count or changes X', () => {
    const v = parseJson(
      '{"a": 18446744073709551615, "b": 9007199254740993, "x": 0.10000000000000001, "e": 1.5E-7}',
    ) as Map<string, unknown>;
    expect(v.get('a')).toEqual(num('18446744073709551615'));
    expect(v.get('b')).toEqual(num('9007199254740993'));
    expect(v.get('x')).toEqual(num('0.10000000000000001'));
    expect(v.get('e')).toEqual(num('1.5E-7'));
  });

  it('reads strings, escapes, literals, arrays and objects in order', () => {
    const v = parseJson(
      ' {"s":"a\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00","t":true,"f":false,"n":null,"l":[1,[],{}]} ',
    ) as Map<string, unknown>;
    expect([...v.keys()]).toEqual(['s', 't', 'f', 'n', 'l']);
    expect(v.get('s')).toBe('a"\\/\b\f\n\r\té😀');
    expect(v.get('l')).toEqual([num('1'), [], new Map()]);
  });

  it('refuses what RFC 8259 forbids, and repeated keys, naming the offset', () => {
    const bad: Array<[string, RegExp]> = [
      ['{"a":1,"a":2}', /repeated key "a" at offset 7/],
      ['{"a":01}', /offset 6/],
      ['[1,]', /expected a value/],
      ['{"a":1,}', /expected a key/],
      ['"\\x"', /bad escape/],
      ['"\\ud800"', /lone surrogate/],
      ['"a\nb"', /control character/],
      ['[1] [2]', /text after the JSON value/],
      ['{"a":+1}', /expected a value/],
      ['{"a":.5}', /expected a value/],
      ['{"a":1.}', /expected "," or "}"/],
      ['NaN', /expected a value/],
      ['', /unexpected end of input/],
      ['"abc', /unterminated string/],
      ['tru', /expected a value/],
      ['\ufeff{}', /expected a value/],
    ];
    for (const [text, why] of bad) {
      expect(() => parseJson(text), text).toThrow(JsonError);
      expect(() => parseJson(text), text).toThrow(why);
    }
  });

  it('caps nesting (no stack overflow on a hostile body)', () => {
    expect(() => parseJson('['.repeat(17) + ']'.repeat(17))).toThrow(/nested deeper than 16/);
    expect(() => parseJson('['.repeat(100_000))).toThrow(/nested deeper than 16/);
    expect(parseJson('['.repeat(16) + ']'.repeat(16))).toBeTruthy();
  });
});

// A strict JSON parser for reports (RFC 8259): numbers are kept as their exact text (a count
// may be up to 2^64−1, past what a double holds; X's text is the report's identity), objects
// are Maps in document order and a repeated key is an error (two readers could disagree on
// which value counts), nesting is capped. Errors carry the byte offset.

export class JsonNumber {
  constructor(readonly text: string) {}
}
export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | Map<string, JsonValue>;

export class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'JsonError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const MAX_DEPTH = 16;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

// Written for speed (it runs on every upload): character codes, no allocation but the values.
export function parseJson(text: string): JsonValue {
  const n = text.length;
  let at = 0;
  const ws = (): void => {
    for (
      let c = text.charCodeAt(at);
      c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
      c = text.charCodeAt(++at)
    );
  };
  const fail = (what: string): never => {
    throw new JsonError(
      at >= n ? 'unexpected end of input' : `${what}, found ${JSON.stringify(text[at])}`,
      at,
    );
  };

  const string = (): string => {
    const start = at;
    at++; // the opening quote
    let out = '';
    let run = at;
    let surrogates = false;
    for (;;) {
      if (at >= n) throw new JsonError('unterminated string', start);
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
      if (c !== 0x5c) {
        at++;
        continue;
      }
      out += text.slice(run, at);
      const e = text[at + 1];
      if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        at += 2;
      } else if (e === 'u' && HEX4.test(text.slice(at + 2, at + 6))) {
        const u = parseInt(text.slice(at + 2, at + 6), 16);
        if (u >= 0xd800 && u <= 0xdfff) surrogates = true;
        out += String.fromCharCode(u);
        at += 6;
      } else fail('bad escape');
      run = at;
    }
    out += text.slice(run, at);
    at++;
    if (surrogates && LONE_SURROGATE.test(out))
      throw new JsonError('string holds a lone surrogate', start);
    return out;
  };

  const value = (depth: number): JsonValue => {
    if (depth >= MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
    ws();
    const c = text.charCodeAt(at);
    if (c === 0x22) return string();
    if (c === 0x7b) {
      at++;
      const obj = new Map<string, JsonValue>();
      ws();
      if (text.charCodeAt(at) === 0x7d) return (at++, obj);
      for (;;) {
        ws();
        if (text.charCodeAt(at) !== 0x22) fail('expected a key');
        const keyAt = at;
        const key = string();
        if (obj.has(key)) throw new JsonError(`repeated key ${JSON.stringify(key)}`, keyAt);
        ws();
        if (text.charCodeAt(at) !== 0x3a) fail('expected ":"');
        at++;
        obj.set(key, value(depth + 1));
        ws();
        const d = text.charCodeAt(at);
        if (d === 0x2c) at++;
        else if (d === 0x7d) return (at++, obj);
        else fail('expected "," or "}"');
      }
    }
    if (c === 0x5b) {
      at++;
      const arr: JsonValue[] = [];
      ws();
      if (text.charCodeAt(at) === 0x5d) return (at++, arr);
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        const d = text.charCodeAt(at);
        if (d === 0x2c) at++;
        else if (d === 0x5d) return (at++, arr);
        else fail('expected "," or "]"');
      }
    }
    if (c === 0x74 && text.startsWith('true', at)) return ((at += 4), true);
    if (c === 0x66 && text.startsWith('false', at)) return ((at += 5), false);
    if (c === 0x6e && text.startsWith('null', at)) return ((at += 4), null);
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (m) return ((at += m[0].length), new JsonNumber(m[0]));
    return fail('expected a value');
  };

  const v = value(0);
  ws();
  if (at !== n) fail('text after the JSON value');
  return v;
}

// A strict JSON parser for reports (RFC 8259): numbers are kept as their exact text (a count
// may be up to 2^64−1, past what a double holds; X's text is the report's identity), objects
// are Maps in document order and a repeated key is an error (two readers could disagree on
// which value counts), nesting is capped. Errors carry the byte offset.

export class JsonNumber {
  constructor(readonly text: string) {}
}
export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | Map<string, JsonValue>;

export class JsonError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'JsonError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WS = /[ \t\n\r]*/y;
const MAX_DEPTH = 16;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function parseJson(text: string): JsonValue {
  let at = 0;
  const ws = (): void => {
    WS.lastIndex = at;
    WS.test(text);
    at = WS.lastIndex;
  };
  const fail = (what: string): never => {
    throw new JsonError(at >= text.length ? 'unexpected end of input' : `${what}, found ${JSON.stringify(text[at])}`, at);
  };

  const string = (): string => {
    const start = at;
    at++; // the opening quote
    let out = '';
    let run = at;
    for (;;) {
      if (at >= text.length) throw new JsonError('unterminated string', start);
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        at++;
        continue;
      }
      out += text.slice(run, at);
      const e = text[at + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        at += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
        out += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16));
        at += 6;
      } else fail('bad escape');
      run = at;
    }
    out += text.slice(run, at);
    at++;
    if (LONE_SURROGATE.test(out)) throw new JsonError('string holds a lone surrogate', start);
    return out;
  };

  const value = (depth: number): JsonValue => {
    if (depth >= MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
    ws();
    const c = text[at];
    if (c === '"') return string();
    if (c === '{') {
      at++;
      const obj = new Map<string, JsonValue>();
      ws();
      if (text[at] === '}') return at++, obj;
      for (;;) {
        ws();
        if (text[at] !== '"') fail('expected a key');
        const keyAt = at;
        const key = string();
        if (obj.has(key)) throw new JsonError(`repeated key ${JSON.stringify(key)}`, keyAt);
        ws();
        if (text[at] !== ':') fail('expected ":"');
        at++;
        obj.set(key, value(depth + 1));
        ws();
        if (text[at] === ',') at++;
        else if (text[at] === '}') return at++, obj;
        else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      at++;
      const arr: JsonValue[] = [];
      ws();
      if (text[at] === ']') return at++, arr;
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[at] === ',') at++;
        else if (text[at] === ']') return at++, arr;
        else fail('expected "," or "]"');
      }
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) return (at += word.length), v;
    }
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (m) return (at += m[0].length), new JsonNumber(m[0]);
    return fail('expected a value');
  };

  const v = value(0);
  ws();
  if (at !== text.length) fail('text after the JSON value');
  return v;
}

// The canonical bytes of an accepted report: what the store keeps, hashes and publishes, instead
// of the bytes that were sent. They are what Go's encoding/json writes for its Report type:
// fields in the struct's order, map keys sorted bytewise (UTF-8), no whitespace, strings escaped
// as Go escapes them (<, > and & as \u003c…, U+2028 and U+2029, control characters), X as Go
// writes a float64 (the shortest text that reads back as the same number: JavaScript's
// Number-to-string agrees with Go's for every X in (0, 1]), and counts as their digits, since a
// count may be up to 2^64−1, past what a double holds. Padding and whitespace are gone, so two
// sendings of one report that differ only in them are the same bytes: a duplicate, not a conflict.
import { type JsonNumber, type JsonValue, parseJson } from './strict-json.js';

const REPORT_FIELDS = ['Week', 'LastWeek', 'X', 'Programs', 'Config'] as const;
const PROGRAM_FIELDS = [
  'Program',
  'Version',
  'GoVersion',
  'GOOS',
  'GOARCH',
  'Counters',
  'Stacks',
] as const;
const COUNT_MAPS = new Set<string>(['Counters', 'Stacks']);
/** Strings Go writes as they are: printable ASCII but ", \, <, > and &. */
const PLAIN = /^[\x20-\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7f]*$/;
const SHORT: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
};
/** What Go writes as \u00XX: the other control characters, <, >, &, U+2028 and U+2029. */
const ESCAPED = (code: number): boolean =>
  code < 0x20 ||
  code === 0x3c ||
  code === 0x3e ||
  code === 0x26 ||
  code === 0x2028 ||
  code === 0x2029;

/** X as Go's encoding/json writes a float64 (the text was checked to be a number in (0, 1]). */
export const canonicalX = (text: string): string => String(Number(text));

/**
 * A report the intake accepted (checked shape: a Map per object, JsonNumber per number).
 * `xText` is its X's canonical text when the caller has it already (number to text costs
 * ~0.5 µs).
 */
export function canonicalReport(
  report: Map<string, JsonValue>,
  xText = canonicalX((report.get('X') as JsonNumber).text),
): string {
  let out = '{';
  for (const field of REPORT_FIELDS) {
    const value = report.get(field)!;
    out += `${out.length > 1 ? ',' : ''}"${field}":`;
    if (field === 'X') out += xText;
    else if (field === 'Programs') out += programs(value);
    else out += goString(value as string);
  }
  return `${out}}`;
}

// Built by concatenation, not arrays joined: this runs on every accepted upload.
function programs(value: JsonValue): string {
  if (value === null) return 'null';
  let out = '[';
  for (const program of value as Array<Map<string, JsonValue>>) {
    out += out.length > 1 ? ',{' : '{';
    for (const field of PROGRAM_FIELDS) {
      const item = program.get(field)!;
      const text = COUNT_MAPS.has(field) ? countMap(item) : goString(item as string);
      out += `${field === 'Program' ? '' : ','}"${field}":${text}`;
    }
    out += '}';
  }
  return `${out}]`;
}

/** null, or an object of whole counts with its keys in Go's order (bytewise UTF-8). */
function countMap(value: JsonValue): string {
  if (value === null) return 'null';
  const counts = value as Map<string, JsonValue>;
  const names = [...counts.keys()];
  if (!inUtf8Order(names)) names.sort(compareUtf8);
  let out = '{';
  for (const name of names) {
    if (out.length > 1) out += ',';
    out += `${goString(name)}:${(counts.get(name) as JsonNumber).text}`;
  }
  return `${out}}`;
}

/** Whether the names are already sorted (a sorted map's keys need no sort). */
function inUtf8Order(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++)
    if (compareUtf8(names[i - 1]!, names[i]!) > 0) return false;
  return true;
}

/**
 * Bytewise order of the UTF-8 encodings, without encoding: it is code point order, which
 * differs from JavaScript's UTF-16 order only where a surrogate (a code point past U+FFFF)
 * meets a unit from U+E000 to U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  for (let at = 0; at < shorter; at++) {
    const ca = a.charCodeAt(at);
    const cb = b.charCodeAt(at);
    if (ca === cb) continue;
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

/** A JSON string as Go's encoding/json writes it (HTML-safe escaping, its default). */
export function goString(text: string): string {
  if (PLAIN.test(text)) return `"${text}"`;
  let out = '"';
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    const short = SHORT[code];
    if (short !== undefined) out += short;
    else if (ESCAPED(code)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += text[at];
  }
  return `${out}"`;
}

/**
 * The canonical bytes of a body stored before intake kept canonical bytes (the old directory
 * store's import): parsed strictly, then written as above; throws when it is not a report.
 */
export function canonicalBody(text: string): string {
  const doc = parseJson(text);
  if (!(doc instanceof Map)) throw new Error('not a JSON object');
  const programsOf = doc.get('Programs');
  const shapes = Array.isArray(programsOf) ? programsOf : [];
  const whole = (program: JsonValue): boolean =>
    program instanceof Map && PROGRAM_FIELDS.every((field) => program.has(field));
  if (!REPORT_FIELDS.every((field) => doc.has(field)) || !shapes.every(whole)) {
    throw new Error('not a report: a field is missing');
  }
  return canonicalReport(doc);
}

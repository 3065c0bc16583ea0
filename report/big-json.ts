// The one reader of JSON with big integers (reports, and the server's merged totals): JSON.parse
// after every integer literal of 16 digits or more *outside strings* is rewritten as a marked
// string, so that no count above 2^53−1 loses digits and no counter name is ever touched (a
// name may hold digits, `:`, `}`, `,`, quotes and newlines). Used by decodeReport, the server's
// merge and its pages. The server's intake has a stricter parser of its own (server/serve/strict-json.ts:
// exact number text, duplicate keys refused, offsets in errors); it validates, this one reads.

/** The mark of a big integer in the rewritten text; a JSON string can hold U+0000 only escaped. */
export const BIG_MARK = '\u0000big:';
const MAX_U64 = 2n ** 64n - 1n;

/**
 * Parses `text`, integers of 16 digits or more as bigint (at most `max`; null: no bound). With
 * `small`, a big integer that fits a double exactly (≤ 2^53−1) is a number.
 */
export function parseBigJson(text: string, max: bigint | null = MAX_U64, small = false): unknown {
  // X has 16 digits and more after its point: only a run not after a point or digit can be a
  // big count.
  const marked = /(?<![.\d])\d{16}/.test(text) ? quoteBigIntegers(text, max) : text;
  return JSON.parse(marked, (_key, value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith(BIG_MARK)) return value;
    const n = BigInt(value.slice(BIG_MARK.length));
    return small && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  });
}

/**
 * Rewrites every integer literal of 16 digits or more outside strings as a marked string, so
 * JSON.parse keeps its digits; parseBigJson's reviver (or the merge's reader, in place) turns it
 * back into a bigint. Only a plain integer (a sign
 * at most; no fraction or exponent) is rewritten: X and anything else stay numbers. A report's
 * counts are at most `max` (2^64−1); a published total may be larger (`max` null).
 */
export function quoteBigIntegers(text: string, max: bigint | null = MAX_U64): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = skipString(text, i);
      continue;
    }
    if (c >= 0x30 && c <= 0x39) {
      let j = i;
      while (j < text.length && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      if (/^[1-9][0-9]{15,}$/.test(token)) {
        // A negative one is kept whole too: Go writes counts of 2^63 and more wrapped, and the
        // merge reads them back as the unsigned counts they are.
        const negative = text[i - 1] === '-';
        if (max !== null && !negative && BigInt(token) > max) {
          throw new Error(`count ${token} is over ${max}`);
        }
        const sign = negative ? '-' : '';
        out += text.slice(from, negative ? i - 1 : i) + JSON.stringify(BIG_MARK + sign + token);
        from = j;
      }
      i = j;
      continue;
    }
    i++;
  }
  return out + text.slice(from);
}

/** 0-9 . e E + - */
function isNumberChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2e ||
    code === 0x65 ||
    code === 0x45 ||
    code === 0x2b ||
    code === 0x2d
  );
}

function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return i;
}

// Counts are whole numbers up to 2^64−1 (a count file's slots are uint64). Sums stay plain
// numbers while they are exact and become bigints past 2^53−1, so the common case costs a
// float add and the rare huge counter is still summed to the last digit.

export type Count = number | bigint;

export function addCount(a: Count, b: Count): Count {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return BigInt(a) + BigInt(b);
}

export function minCount(a: Count, cap: number): number {
  return typeof a === 'bigint' ? (a > BigInt(cap) ? cap : Number(a)) : Math.min(a, cap);
}

/** For JSON kept between merges: a number when exact, else its decimal text. */
export function countToJSON(c: Count): number | string {
  return typeof c === 'bigint' ? (c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c.toString()) : c;
}

export function countFromJSON(v: unknown, what: string): Count {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(v)) return BigInt(v);
  throw new Error(`${what}: not a count: ${JSON.stringify(v)}`);
}

const BIG = '\u0000tt-big:';

/**
 * JSON text with every bigint written as a bare JSON number of all its digits, as Go writes
 * a uint64. (JSON.stringify refuses bigints; a reader that needs every digit of a count above
 * 2^53−1 parses with a big-number-aware parser, as it must for Go's reports.)
 */
export function stringifyExact(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${BIG}${v}` : v), indent);
  return text.replace(/"\\u0000tt-big:([0-9]+)"/g, '$1');
}

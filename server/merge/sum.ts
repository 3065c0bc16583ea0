// Counts are whole numbers up to 2^64−1 (a count file's slots are uint64). Sums stay plain
// numbers while they are exact and become bigints past 2^53−1, so the common case costs a
// float add and the rare huge counter is still summed to the last digit.

export type Count = number | bigint;

export function addCount(augend: Count, addend: Count): Count {
  if (typeof augend === 'number' && typeof addend === 'number') {
    const sum = augend + addend;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return BigInt(augend) + BigInt(addend);
}

export function minCount(count: Count, cap: number): number {
  return typeof count === 'bigint'
    ? count > BigInt(cap)
      ? cap
      : Number(count)
    : Math.min(count, cap);
}

/** For JSON kept between merges: a number when exact, else its decimal text. */
export function countToJSON(count: Count): number | string {
  return typeof count === 'bigint'
    ? count <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(count)
      : count.toString()
    : count;
}

export function countFromJSON(value: unknown, what: string): Count {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(value)) return BigInt(value);
  throw new Error(`${what}: not a count: ${JSON.stringify(value)}`);
}

const BIG = '\u0000tt-big:';

/**
 * JSON text with every bigint written as a bare JSON number of all its digits, as Go writes
 * a uint64. (JSON.stringify refuses bigints; a reader that needs every digit of a count above
 * 2^53−1 parses with a big-number-aware parser, as it must for Go's reports.)
 */
export function stringifyExact(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_key, item) => (typeof item === 'bigint' ? `${BIG}${item}` : item),
    indent,
  );
  return text.replace(/"\\u0000tt-big:([0-9]+)"/g, '$1');
}

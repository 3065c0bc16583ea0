// Builds the exact bytes a count file would have after the given first increments, using
// the same allocation code as live files. Golden files and test fixtures come from here.
import { MIN_FILE_LEN, bucketOf } from './format.js';
import { addAt, memoryCountMap, sync } from './file.js';
import { NEEDS_IO, resolve } from './chain.js';

/** `entries` in first-increment order; names are stored as given (stack names already compressed). */
export function buildCountImage(
  header: Uint8Array,
  entries: Iterable<readonly [string, bigint]>,
  capacity = 8 << 20,
): Uint8Array {
  const map = memoryCountMap(header, capacity);
  for (const [name, value] of entries) {
    const bytes = Buffer.from(name, 'utf8');
    let off = resolve(map, bytes, bucketOf(bytes));
    if (off === NEEDS_IO) {
      sync(map);
      off = resolve(map, bytes, bucketOf(bytes));
    }
    if (off <= 0) throw new Error(`cannot place ${JSON.stringify(name)}`);
    if (value > 0n) addAt(map.region.u64, off >>> 3, value);
  }
  return map.region.bytes.slice(0, Math.max(map.size, MIN_FILE_LEN));
}

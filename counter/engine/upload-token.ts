// The day's upload token (`<root>/upload.token`): whoever takes it starts the day's run. Read
// by the everyday check (upload-trigger.ts) and by the start (upload-start.ts).
import type { BigIntStats, Stats } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../settings/index.js';

const DAY = 86_400_000;
/** Path of the day's token: whoever takes it starts the day's run. */
export const tokenPath = (dirs: Layout): string => join(dirs.root, 'upload.token');

/**
 * A token is fresh for a day. One dated more than a day ahead is stale too: a clock that
 * jumped back must not hold uploads off until it catches up. Anything but a regular file is
 * left alone (and so is the upload).
 */
export function tokenState(
  stats: Stats | BigIntStats | undefined,
  nowMs: number,
): 'absent' | 'fresh' | 'stale' | 'not a regular file' {
  if (stats === undefined) return 'absent';
  if (!stats.isFile()) return 'not a regular file';
  const age = nowMs - Number(stats.mtimeMs);
  return age < DAY && age > -DAY ? 'fresh' : 'stale';
}

// Whether the background run has work (engine/upload-due.ts), judged from names and times on
// real directories: the weeks of count files (with and without the installation's weekday), and
// directories large enough to be read through the capped listing instead of one readdirSync.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadDue } from '../../counter/engine/upload-due.js';
import { layout } from '../../counter/settings/index.js';
import { tempDir } from '../helpers.js';
import { DAY } from './harness.js';

const now = new Date();
const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
const countFile = (begin: number) => `tool@1.0.0-node20.0.0-linux-x64-${day(begin)}.v1.count`;

function dirWith(local: string[], weekend?: number) {
  const dirs = layout(join(tempDir('tt-due-'), 'telemetry'));
  mkdirSync(dirs.localDir, { recursive: true });
  for (const n of local) writeFileSync(join(dirs.localDir, n), '');
  if (weekend !== undefined) writeFileSync(dirs.weekendsFile, `${weekend}\n`);
  return dirs;
}

describe('uploadDue', () => {
  it('a week begun today has not ended, whatever the weekday; one begun 7 days ago has', () => {
    for (let w = 0; w < 7; w++) expect(uploadDue(dirWith([countFile(today)], w), now)).toBeNull();
    expect(uploadDue(dirWith([countFile(today)]), now)).toBeNull();
    expect(uploadDue(dirWith([countFile(today - 7 * DAY)]), now)).toBe(
      'a count file whose week has ended',
    );
  });

  it('a week begun 2 days ago: ended or not by the installation’s weekday', () => {
    const begin = today - 2 * DAY;
    const weekday = new Date(begin).getUTCDay();
    // Its week ends 1 day after its begin (ended) or 5 days after (not yet).
    expect(uploadDue(dirWith([countFile(begin)], (weekday + 1) % 7), now)).toBe(
      'a count file whose week has ended',
    );
    expect(uploadDue(dirWith([countFile(begin)], (weekday + 5) % 7), now)).toBeNull();
  });

  it('reads a large directory (more than 16 KiB of entries) through the capped listing, with the same answer', () => {
    const filler = Array.from(
      { length: 900 },
      (_, i) =>
        `other-tool-with-a-long-name-${i}@1.0.0-node20.0.0-linux-x64-${day(today)}.v1.count`,
    );
    const notDue = dirWith(filler, 3);
    expect(statSync(notDue.localDir).size).toBeGreaterThan(16 * 1024);
    expect(uploadDue(notDue, now)).toBeNull();
    const due = dirWith([...filler, countFile(today - 30 * DAY)], 3);
    expect(uploadDue(due, now)).toBe('a count file whose week has ended');
  });

  it('a report waiting under upload/<collector>/, and nothing when upload/ is absent or a file', () => {
    const dirs = dirWith([countFile(today)]);
    expect(uploadDue(dirs, now)).toBeNull();
    writeFileSync(dirs.uploadDir, '');
    expect(uploadDue(dirs, now)).toBeNull();
    const other = dirWith([countFile(today)]);
    mkdirSync(join(other.uploadDir, '0123456789abcdef'), { recursive: true });
    writeFileSync(join(other.uploadDir, '0123456789abcdef', `${day(today - 7 * DAY)}.json`), '{}');
    expect(uploadDue(other, now)).toBe('a report waiting to be sent');
  });
});

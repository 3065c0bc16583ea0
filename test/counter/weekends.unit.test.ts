import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counterSpan, parseWeekend, readWeekend } from '../../counter/settings/index.js';
import { layout } from '../../counter/settings/index.js';
import { tempDir } from '../helpers.js';

const DAY = 86_400_000;

describe('weekly spans', () => {
  it('last 1 to 7 days and end on the chosen weekday, for all 49 combinations', () => {
    const sunday = Date.UTC(2026, 10, 22, 13, 37); // a Sunday, mid-day
    let checked = 0;
    for (let today = 0; today < 7; today++) {
      for (let weekend = 0; weekend < 7; weekend++) {
        const now = new Date(sunday + today * DAY);
        const { begin, end } = counterSpan(now, weekend);
        expect(begin.getUTCDay()).toBe(today);
        expect(begin.toISOString()).toMatch(/T00:00:00\.000Z$/);
        const days = (end.getTime() - begin.getTime()) / DAY;
        expect(days).toBeGreaterThanOrEqual(1);
        expect(days).toBeLessThanOrEqual(7);
        expect(end.getUTCDay()).toBe(weekend);
        checked++;
      }
    }
    expect(checked).toBe(49);
  });

  it('a file opened on the week-end day itself lasts a full week', () => {
    const { begin, end } = counterSpan(new Date('2026-11-26T23:59:59Z'), 4);
    expect(begin.toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect(end.toISOString()).toBe('2026-12-03T00:00:00.000Z');
  });

  it('picks a day once per installation and keeps it', () => {
    const dirs = layout(tempDir());
    const day = readWeekend(dirs);
    expect(day).toBeGreaterThanOrEqual(0);
    expect(day).toBeLessThanOrEqual(6);
    expect(readFileSync(dirs.weekendsFile, 'utf8')).toBe(`${day}\n`);
    for (let i = 0; i < 5; i++) expect(readWeekend(dirs)).toBe(day);
  });

  it("reads Go's weekends files, digit modulo 7", () => {
    expect(parseWeekend('4\n')).toBe(4);
    expect(parseWeekend('9')).toBe(2);
    expect(parseWeekend('')).toBeNull();
    const dirs = layout(tempDir());
    mkdirSync(join(dirs.root, 'local'));
    writeFileSync(dirs.weekendsFile, '  \n');
    expect(() => readWeekend(dirs)).toThrow(/weekends/);
  });
});

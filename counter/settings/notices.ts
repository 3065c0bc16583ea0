// What each program has already told or asked the user on this machine, so the notice and the
// question each happen once. Shared by notice.ts and ask.ts; the file is `dirs.noticesFile`.
import type { Layout } from './dir.js';
import { writeAtomic } from './mode.js';
import { decide } from './policy.js';
import { readText } from './read-text.js';

export interface NoticeRecord {
  /** The highest notice version shown (0: never shown). */
  notice: number;
  asked: boolean;
}

type Notices = Record<string, NoticeRecord>;

/** A missing or damaged file reads as empty: the worst case is one notice shown again. */
export function readNotices(dirs: Layout): Notices {
  const text = readText(dirs.noticesFile);
  if (text === null) return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
  const out: Notices = {};
  for (const [program, value] of Object.entries(data)) out[program] = normalize(value);
  return out;
}

export function noticeRecord(dirs: Layout, program: string): NoticeRecord {
  return readNotices(dirs)[program] ?? { notice: 0, asked: false };
}

/** Read-modify-write; keeps other programs' entries. Throws on I/O errors (callers catch). */
export function updateNotice(dirs: Layout, program: string, change: Partial<NoticeRecord>): void {
  const all = readNotices(dirs);
  all[program] = { ...(all[program] ?? { notice: 0, asked: false }), ...change };
  writeAtomic(dirs.noticesFile, JSON.stringify(all, null, 2) + '\n');
}

function normalize(value: unknown): NoticeRecord {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof NoticeRecord, unknown>>;
  return {
    notice: typeof v.notice === 'number' && Number.isFinite(v.notice) ? v.notice : 0,
    asked: v.asked === true,
  };
}

/**
 * True when the user already made a choice for this program or machine-wide, or an opt-out
 * (environment, project; `envVar` is the tool's own variable when it named one) turns counting
 * off: then there is nothing left to tell or ask.
 */
export function settled(dirs: Layout, program: string, envVar?: string): boolean {
  const d = decide({ dirs, program, envVar });
  return d.chosen.source !== 'default' || d.mode === 'off';
}

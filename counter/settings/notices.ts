// What each program has already told or asked the user on this machine, so the notice and the
// question each happen once. Shared by notice.ts and ask.ts; the file is `dirs.noticesFile`.
import type { Layout } from './dir.js';
import { decide } from './policy.js';
import { type Unreadable, writeAtomic } from '../../safeio/index.js';
import { readProgramsObject } from './json-file.js';

export interface NoticeRecord {
  /** The highest notice version shown (0: never shown). */
  notice: number;
  asked: boolean;
}

type Notices = Record<string, NoticeRecord>;

/**
 * Absent: empty. A file that cannot be read, or is not a JSON object, is `unreadable`: then
 * nothing is printed or asked, and the file is never written over (it may be a newer format,
 * or the user's).
 */
export function readNotices(dirs: Layout): Notices | Unreadable {
  const { entries, problem } = readProgramsObject(dirs.noticesFile);
  if (problem) return problem;
  const out: Notices = {};
  for (const [program, value] of Object.entries(entries)) out[program] = normalize(value);
  return out;
}

/** As if told and asked already when the file cannot be read, so that nothing is printed or written. */
const SILENT: NoticeRecord = { notice: Number.POSITIVE_INFINITY, asked: true };

export function noticeRecord(dirs: Layout, program: string): NoticeRecord {
  const all = readNotices(dirs);
  if (isNoticeFailure(all)) return SILENT;
  return all[program] ?? { notice: 0, asked: false };
}

/** Read-modify-write; keeps other programs' entries. Throws on I/O errors and on a file it cannot read (callers catch). */
export function updateNotice(dirs: Layout, program: string, change: Partial<NoticeRecord>): void {
  const all = readNotices(dirs);
  if (isNoticeFailure(all))
    throw new Error(`not changing ${all.file}: cannot read it (${all.reason})`);
  all[program] = { ...(all[program] ?? { notice: 0, asked: false }), ...change };
  writeAtomic(dirs.noticesFile, JSON.stringify(all, null, 2) + '\n');
}

/** Why the notices file cannot be read; null when it is absent or fine. */
export function noticesProblem(dirs: Layout): Unreadable | null {
  const all = readNotices(dirs);
  return isNoticeFailure(all) ? all : null;
}

function isNoticeFailure(notices: Notices | Unreadable): notices is Unreadable {
  return (
    typeof (notices as Unreadable).reason === 'string' &&
    typeof (notices as Unreadable).absent === 'boolean'
  );
}

function normalize(value: unknown): NoticeRecord {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<
    Record<keyof NoticeRecord, unknown>
  >;
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

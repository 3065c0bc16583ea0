// Phase one of a run: which count files belong to which finished week, and what each program
// may do with them. Reading never changes a file; an unreadable one is logged and left alone.
import { listCountFiles, readCountFile, type ReadOk } from '../counter/countfile/index.js';
import {
  type Collector,
  type Decision,
  type Layout,
  dateString,
  decide,
  readPrograms,
} from '../counter/settings/index.js';
import { collectorId } from './paths.js';

const DAY = 86_400_000;

/** A week's count files: those whose TimeEnd date is `week`. */
export interface Week {
  week: string;
  files: ReadOk[];
}

export interface ProgramState {
  program: string;
  decision: Decision;
  /** The day the user's `on` choice was made, or null (then nothing of it is uploaded). */
  asof: string | null;
  collector: Collector | undefined;
  cid: string | undefined;
}

export interface Work {
  today: string;
  /** Finished weeks (TimeEnd date before today), oldest first. */
  weeks: Week[];
  /** Files still being counted into (their week is not over). */
  active: ReadOk[];
  unreadable: string[];
  programs: Map<string, ProgramState>;
  state(program: string): ProgramState;
}

export function gather(dirs: Layout, now: Date, env: Record<string, string | undefined>): Work {
  const today = dateString(now);
  const byWeek = new Map<string, ReadOk[]>();
  const active: ReadOk[] = [];
  const unreadable: string[] = [];
  for (const file of listCountFiles(dirs.localDir)) {
    const r = readCountFile(file);
    if ('error' in r) {
      unreadable.push(r.error);
      continue;
    }
    const end = weekOf(r);
    if (end === null) {
      unreadable.push(`${file}: TimeEnd ${JSON.stringify(r.info.timeEnd)} is not a date`);
      continue;
    }
    // Finished only once its last day is over: a day's slack for processes with skewed clocks.
    if (end >= today) active.push(r);
    else byWeek.set(end, [...(byWeek.get(end) ?? []), r]);
  }
  const declared = readPrograms(dirs);
  const programs = new Map<string, ProgramState>();
  const state = (program: string): ProgramState => {
    let s = programs.get(program);
    if (!s) {
      const own = declared.get(program);
      const decision = decide({
        dirs,
        program,
        env: env as NodeJS.ProcessEnv,
        envVar: own?.envVar,
      });
      const c = decision.chosen;
      const asof =
        decision.mode === 'on' && (c.source === 'program' || c.source === 'machine')
          ? (c.date ?? null)
          : null;
      s = {
        program,
        decision,
        asof,
        collector: own?.collector,
        cid: own?.collector ? collectorId(own.collector) : undefined,
      };
      programs.set(program, s);
    }
    return s;
  };
  for (const p of declared.keys()) state(p);
  const weeks = [...byWeek.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([week, files]) => ({ week, files }));
  for (const w of weeks) for (const f of w.files) state(f.info.program);
  for (const f of active) state(f.info.program);
  return { today, weeks, active, unreadable, programs, state };
}

/** The count file's week: its TimeEnd's UTC date, or null when that is not a time. */
export function weekOf(file: ReadOk): string | null {
  const t = Date.parse(file.info.timeEnd);
  return Number.isFinite(t) ? dateString(new Date(t)) : null;
}

/** Whole days from the end of `week` to `today` (both `YYYY-MM-DD`). */
export function ageDays(week: string, today: string): number {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${week}T00:00:00Z`)) / DAY);
}

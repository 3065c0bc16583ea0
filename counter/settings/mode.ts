// The user's choices on disk: the machine-wide mode file (Go's format, so `go telemetry`
// users recognise it) and the per-program choices beside it.
import { rmSync } from 'node:fs';
import type { Layout } from './dir.js';
import { dateString } from './weeks.js';
import { type Unreadable, isUnreadable, readText, writeAtomic } from '../../safeio/index.js';
import { CAPS } from './caps.js';
import { readProgramsObject } from './json-file.js';

export type Mode = 'on' | 'off' | 'local';
export const MODES: readonly Mode[] = ['off', 'local', 'on'];

/** A recorded choice; `date` is the UTC day it was made (null in a legacy undated file). */
export interface Choice {
  mode: Mode;
  date: string | null;
  /** Set when the file could not be read or says something unknown: `mode` is then off. */
  unreadable?: Unreadable;
}

/** Per-program choices; when the file cannot be read there are none and `unreadable` says why. */
export interface ProgramModes {
  choices: Map<string, Choice>;
  unreadable: Unreadable | null;
}

export function isMode(word: string): word is Mode {
  return word === 'on' || word === 'off' || word === 'local';
}

/** Orders modes by how much they allow, so "lowering" is taking the minimum. */
export function rank(mode: Mode): number {
  return MODES.indexOf(mode);
}

export function lower(first: Mode, second: Mode): Mode {
  return rank(first) <= rank(second) ? first : second;
}

/**
 * The machine-wide choice, or null when the user never made one (the default is `local`).
 * A file that cannot be read, or holds a word we do not know, is `off`: settings that cannot
 * be read must never mean more sharing than the user may have chosen.
 */
export function readMachineMode(dirs: Layout): Choice | null {
  const text = readText(dirs.modeFile, CAPS.word);
  if (isUnreadable(text)) return text.absent ? null : { mode: 'off', date: null, unreadable: text };
  const [word = '', date = ''] = text.trim().split(/\s+/, 2);
  const day = /^\d{4}-\d\d-\d\d$/.test(date) ? date : null;
  if (isMode(word)) return { mode: word, date: day };
  const reason =
    word === '' ? 'is empty' : `holds ${JSON.stringify(word.slice(0, 40))}, not on, off or local`;
  return { mode: 'off', date: null, unreadable: { file: dirs.modeFile, absent: false, reason } };
}

/** Absent: no choices. Unreadable, malformed or of another shape: `unreadable`, every program off. */
export function readProgramModes(dirs: Layout): ProgramModes {
  const file = dirs.programModesFile;
  const { entries, problem } = readProgramsObject(file);
  if (problem) return { choices: new Map(), unreadable: problem };
  const bad = (reason: string): ProgramModes => ({
    choices: new Map(),
    unreadable: { file, absent: false, reason },
  });
  const choices = new Map<string, Choice>();
  for (const [program, value] of Object.entries(entries)) {
    const v = value as Partial<Choice> | null;
    // One entry we do not understand might have been an `off`: the whole file is unreadable.
    if (typeof v !== 'object' || v === null || typeof v.mode !== 'string' || !isMode(v.mode)) {
      return bad(`the entry for ${JSON.stringify(program)} has no mode on, off or local`);
    }
    choices.set(program, { mode: v.mode, date: typeof v.date === 'string' ? v.date : null });
  }
  return { choices, unreadable: null };
}

/** What a machine-wide choice replaced, and a per-program file it left alone because it could not read it. */
export interface MachineWrite {
  replaced: Map<string, Choice>;
  kept: Unreadable | null;
}

/**
 * Records a machine-wide choice. Earlier per-program choices are dropped so that the last
 * thing the user said holds; they are returned so the caller can say what was replaced. A
 * per-program file that cannot be read is never deleted: it may hold choices we cannot see.
 */
export function writeMachineMode(dirs: Layout, mode: Mode, now: Date = new Date()): MachineWrite {
  const { choices, unreadable } = readProgramModes(dirs);
  writeAtomic(dirs.modeFile, `${mode} ${dateString(now)}`);
  if (unreadable === null && choices.size > 0) rmSync(dirs.programModesFile, { force: true });
  return { replaced: choices, kept: unreadable };
}

/** Read-modify-write of one program's choice; refuses (throws) when the file cannot be read. */
export function writeProgramMode(
  dirs: Layout,
  program: string,
  mode: Mode,
  now: Date = new Date(),
): void {
  const { choices: all, unreadable } = readProgramModes(dirs);
  if (unreadable)
    throw new Error(`not changing ${unreadable.file}: cannot read it (${unreadable.reason})`);
  all.set(program, { mode, date: dateString(now) });
  const obj = Object.fromEntries([...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeAtomic(dirs.programModesFile, JSON.stringify(obj, null, 2) + '\n');
}

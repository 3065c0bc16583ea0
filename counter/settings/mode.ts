// The user's choices on disk: the machine-wide mode file (Go's format, so `go telemetry`
// users recognise it) and the per-program choices beside it.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Layout } from './dir.js';
import { dateString } from './weeks.js';
import { readText } from './read-text.js';

export type Mode = 'on' | 'off' | 'local';
export const MODES: readonly Mode[] = ['off', 'local', 'on'];

/** A recorded choice; `date` is the UTC day it was made (null in a legacy undated file). */
export interface Choice {
  mode: Mode;
  date: string | null;
}

export function isMode(s: string): s is Mode {
  return s === 'on' || s === 'off' || s === 'local';
}

/** Orders modes by how much they allow, so "lowering" is taking the minimum. */
export function rank(m: Mode): number {
  return MODES.indexOf(m);
}

export function lower(a: Mode, b: Mode): Mode {
  return rank(a) <= rank(b) ? a : b;
}

/**
 * The machine-wide choice, or null when the user never made one (the default is `local`).
 * An unreadable or unknown word counts as `local`: it must never silently mean `on`.
 */
export function readMachineMode(dirs: Layout): Choice | null {
  const text = readText(dirs.modeFile)?.trim();
  if (text === undefined) return null;
  const [word = '', date = ''] = text.split(/\s+/, 2);
  return { mode: isMode(word) ? word : 'local', date: /^\d{4}-\d\d-\d\d$/.test(date) ? date : null };
}

export function readProgramModes(dirs: Layout): Map<string, Choice> {
  const out = new Map<string, Choice>();
  const text = readText(dirs.programModesFile);
  if (text === null) return out;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof data !== 'object' || data === null) return out;
  for (const [program, value] of Object.entries(data)) {
    const v = value as Partial<Choice> | null;
    if (v && typeof v.mode === 'string' && isMode(v.mode)) out.set(program, { mode: v.mode, date: typeof v.date === 'string' ? v.date : null });
  }
  return out;
}

/**
 * Records a machine-wide choice. Earlier per-program choices are dropped so that the last
 * thing the user said holds; they are returned so the caller can say what was replaced.
 */
export function writeMachineMode(dirs: Layout, mode: Mode, now: Date = new Date()): Map<string, Choice> {
  const replaced = readProgramModes(dirs);
  writeAtomic(dirs.modeFile, `${mode} ${dateString(now)}`);
  if (replaced.size > 0) rmSync(dirs.programModesFile, { force: true });
  return replaced;
}

export function writeProgramMode(dirs: Layout, program: string, mode: Mode, now: Date = new Date()): void {
  const all = readProgramModes(dirs);
  all.set(program, { mode, date: dateString(now) });
  const obj = Object.fromEntries([...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeAtomic(dirs.programModesFile, JSON.stringify(obj, null, 2) + '\n');
}

/** Write-then-rename, so a concurrent reader sees the old or the new file, never half of one. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o666 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

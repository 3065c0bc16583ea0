// What each program declared about itself when it last opened, for the tools that explain
// things to the user (`telemetry status`): its own opt-out variable and the command that
// controls it, and the collector its counts may go to (the uploader reads that, so that a
// program's counts only ever reach its own vendor). Kept in `<dir>/programs.json`,
// {"my-cli": {"envVar": "…", "command": "…", "collector": {"url": "…", "key": "…"}}}; unknown
// fields are kept.
import type { Layout } from './dir.js';
import { writeAtomic } from '../../safeio/index.js';
import { readProgramsObject } from './json-file.js';

/** Where a program's reports go: the collector's base URL and its config log's verifier key. */
export interface Collector {
  url: string;
  key: string;
  /** Witness verifier keys the config log's checkpoints must be cosigned by, if any. */
  witnesses?: string[];
  /** How many of `witnesses` must have cosigned (default: all). */
  quorum?: number;
}

export interface ProgramSettings {
  envVar?: string;
  command?: string;
  collector?: Collector;
}

type Raw = Record<string, Record<string, unknown>>;

/**
 * Every program's entry. A missing file is empty; null when the file exists but cannot be
 * read or is not a JSON object of objects (then callers must not overwrite it).
 */
export function readProgramsFile(dirs: Layout): Raw | null {
  const { entries } = readProgramsObject(dirs.programsFile);
  if (!entries || !Object.values(entries).every(isObject)) return null;
  return entries as Raw;
}

/** The declared settings of each program; an unreadable file reads as none. */
export function readPrograms(dirs: Layout): Map<string, ProgramSettings> {
  const out = new Map<string, ProgramSettings>();
  for (const [program, v] of Object.entries(readProgramsFile(dirs) ?? {})) {
    out.set(program, {
      envVar: text(v.envVar),
      command: text(v.command),
      collector: collectorOf(v.collector),
    });
  }
  return out;
}

/**
 * Records what `program` declares now, writing only when that differs from the file (open()
 * calls it at every start: a read is cheap, a write is not). Other fields of the entry and
 * other programs are kept; an unreadable or malformed file is left alone. Returns whether it
 * wrote. Throws on I/O errors (callers catch).
 */
export function recordProgram(dirs: Layout, program: string, settings: ProgramSettings): boolean {
  const all = readProgramsFile(dirs);
  if (all === null) return false;
  const old = all[program];
  const entry: Record<string, unknown> = { ...old };
  for (const key of ['envVar', 'command', 'collector'] as const) {
    if (settings[key] === undefined) delete entry[key];
    else entry[key] = settings[key];
  }
  if (old === undefined && Object.keys(entry).length === 0) return false;
  if (old !== undefined && JSON.stringify(old) === JSON.stringify(entry)) return false;
  all[program] = entry;
  const sorted = Object.fromEntries(
    Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  writeAtomic(dirs.programsFile, JSON.stringify(sorted, null, 2) + '\n');
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function collectorOf(value: unknown): Collector | undefined {
  if (!isObject(value)) return undefined;
  const url = text(value.url);
  const key = text(value.key);
  if (!url || !key) return undefined;
  // A witness list or quorum that is there but malformed voids the collector (never uploaded):
  // dropping it would lower what the tool's author pinned.
  const witnesses = value.witnesses;
  if (
    witnesses !== undefined &&
    !(
      Array.isArray(witnesses) &&
      witnesses.every((witness) => typeof witness === 'string' && witness !== '')
    )
  )
    return undefined;
  const quorum = value.quorum;
  if (quorum !== undefined && !Number.isSafeInteger(quorum)) return undefined;
  return {
    url,
    key,
    ...(witnesses?.length ? { witnesses: witnesses as string[] } : {}),
    ...(quorum !== undefined ? { quorum: quorum as number } : {}),
  };
}

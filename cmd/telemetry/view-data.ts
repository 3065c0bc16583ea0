// The JSON behind `telemetry view`: a pure function from what was read on disk (count files
// and mode decisions) to plain data the page renders. Values travel as decimal strings,
// because counters are 64-bit and JSON numbers would round anything above 2^53.
import { basename } from 'node:path';
import type { Decision, Reason } from '../../counter/settings/index.js';
import {
  type FileInfo,
  type ReadFailed,
  type ReadOk,
  isActive,
} from '../../counter/countfile/index.js';
import type { ProgramMarks } from '../../upload/index.js';

export interface ViewCounter {
  name: string;
  /** Exact decimal value. */
  value: string;
}

export interface ViewFile extends FileInfo {
  /** Base name; unique within local/. */
  file: string;
  /** The TimeEnd date (YYYY-MM-DD): the week this file belongs to. */
  week: string;
  active: boolean;
  /** Sorted by name; stack counters keep their newline-separated frames. */
  counters: ViewCounter[];
}

export interface ViewError {
  file: string;
  reason: string;
}

export interface ViewMode {
  mode: string;
  /** One line a user can act on: what decided the mode. */
  reason: string;
  /** Opt-outs in force besides the deciding one, and settings warnings. */
  notes: string[];
}

export interface ViewProgram {
  program: string;
  versions: string[];
  weeks: string[];
  mode: ViewMode;
  /** Where its reports go and which counters they may hold; null when it sends nothing. */
  upload: ProgramMarks | null;
}

export interface ViewData {
  dir: string;
  machine: ViewMode;
  programs: ViewProgram[];
  /** Every week with at least one file, oldest first. */
  weeks: string[];
  files: ViewFile[];
  errors: ViewError[];
}

export interface ViewInput {
  dir: string;
  reads: (ReadOk | ReadFailed)[];
  /** Machine-wide decision (no program's own choice or variable applies). */
  machine: Decision;
  /** Decision for each program found in the files. */
  decide: (program: string) => Decision;
  /** What the uploader would send for the program (mode on, a collector); null: nothing. */
  marks?: (program: string, mode: string) => ProgramMarks | null;
  now: Date;
}

export function buildViewData(input: ViewInput): ViewData {
  const files: ViewFile[] = [];
  const errors: ViewError[] = [];
  for (const r of input.reads) {
    if ('error' in r) errors.push({ file: basename(r.file), reason: stripFile(r.error, r.file) });
    else files.push(viewFile(r, input.now));
  }
  const programs = uniq(files.map((file) => file.program)).map((program) =>
    viewProgram(program, files, input.decide(program), input.marks),
  );
  return {
    dir: input.dir,
    machine: viewMode(input.machine),
    programs,
    weeks: uniq(files.map((file) => file.week)),
    files,
    errors,
  };
}

function viewFile(read: ReadOk, now: Date): ViewFile {
  const counters = [...read.counts]
    .sort(([a], [b]) => compare(a, b))
    .map(([name, value]) => ({ name, value: value.toString() }));
  return {
    file: basename(read.file),
    ...read.info,
    week: read.info.timeEnd.slice(0, 10),
    active: isActive(read.info, now),
    counters,
  };
}

function viewProgram(
  program: string,
  files: ViewFile[],
  decision: Decision,
  marks: ViewInput['marks'],
): ViewProgram {
  const own = files.filter((file) => file.program === program);
  const upload = marks?.(program, decision.mode) ?? null;
  return {
    program,
    versions: uniq(own.map((file) => file.version)),
    weeks: uniq(own.map((file) => file.week)),
    mode: viewMode(decision),
    upload,
  };
}

export function viewMode(decision: Decision): ViewMode {
  const notes = decision.overrides
    .filter((override) => override !== decision.decidedBy)
    .map((override) => `${reasonText(override)} (would set ${override.mode})`);
  return {
    mode: decision.mode,
    reason: reasonText(decision.decidedBy),
    notes: [...notes, ...decision.warnings],
  };
}

const SOURCES: Record<Reason['source'], string> = {
  default: 'default',
  machine: 'machine-wide choice',
  program: "this program's choice",
  env: 'environment',
  project: 'project setting',
  'no-directory': 'no telemetry directory',
  unreadable: 'a settings file that cannot be read',
};

function reasonText(reason: Reason): string {
  const when = reason.date ? ` since ${reason.date}` : '';
  return `${SOURCES[reason.source]}: ${reason.detail}${when}`;
}

/** Read errors start with the full path; the page already names the file. */
function stripFile(error: string, file: string): string {
  return error.startsWith(`${file}: `) ? error.slice(file.length + 2) : error;
}

function uniq(values: string[]): string[] {
  return [...new Set(values)].sort(compare);
}

/** Code-unit order, so the output does not depend on the server's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

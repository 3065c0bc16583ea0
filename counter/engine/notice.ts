// The one-time notice: a tool that counts tells its user so, once, on a terminal, with the
// ways out. Printing it must never disturb the host: no throw, no stdin, no wait, and when
// it has nothing to say it returns before touching the disk.
import { type Layout, debugLog, defaultRoot, hostProgram, layout, noticeRecord, settled, toolEnvVar, updateNotice, wrap } from '../settings/index.js';
import { isCI } from './ci.js';

export interface NoticeOptions {
  /** Where the author explains what is counted. */
  url?: string;
  /** Raise it when what is counted changes materially: the notice is shown again once. */
  version?: number;
  program?: string;
  dir?: string;
  stream?: NodeJS.WriteStream;
}

/** Prints the notice if this program has not shown this version on this machine; true if printed. */
export function notice(options: NoticeOptions = {}): boolean {
  let dirs: Layout | null = null;
  try {
    const stream = options.stream ?? process.stderr;
    // Cheap checks first: most runs (pipes, CI) stop here without any file I/O.
    if (!stream.isTTY || isCI()) return false;
    const root = options.dir ?? defaultRoot();
    if (!root) return false;
    dirs = layout(root);
    const program = options.program ?? hostProgram().name;
    const version = noticeVersion(options.version);
    if (noticeRecord(dirs, program).notice >= version || settled(dirs, program)) return false;
    // Remember before printing: if we cannot remember, we stay quiet rather than repeat
    // ourselves on every run (and an unwritable directory means nothing is counted anyway).
    updateNotice(dirs, program, { notice: version });
    stream.write(wrap(noticeText(program, options.url), width(stream)) + '\n');
    return true;
  } catch (e) {
    debugLog(dirs, `notice: ${(e as Error)?.message ?? e}`);
    return false;
  }
}

export function noticeText(program: string, url?: string): string {
  const name = shellWord(program);
  const envVar = toolEnvVar(program);
  const offVars = envVar ? `${envVar}=1 or DO_NOT_TRACK=1` : 'DO_NOT_TRACK=1';
  return (
    `${program} counts how it is used, in local files on this machine only. ` +
    `Nothing is sent anywhere unless you run "telemetry on --program ${name}" (or "telemetry on" for all tools). ` +
    `To stop counting, run "telemetry off --program ${name}" or set ${offVars}.` +
    (url ? ` More: ${url}` : '')
  );
}

function noticeVersion(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 1;
}

/** npm names are shell-safe; a fallback name from a script file may not be. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

function width(stream: NodeJS.WriteStream): number {
  const cols = stream.columns;
  return typeof cols === 'number' && cols > 20 ? Math.min(cols, 80) : 80;
}

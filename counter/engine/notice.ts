// The one-time notice: a tool that counts tells its user so, once, on a terminal, with the
// ways out. Printing it must never disturb the host: no throw, no stdin, no wait, and when
// it has nothing to say it returns before touching the disk. It speaks about what open()
// resolved (opened.ts): program, directory, the tool's own variable and command.
import {
  type Layout,
  debugLog,
  noticeRecord,
  settled,
  toolEnvVar,
  updateNotice,
  wrap,
} from '../settings/index.js';
import { isCI } from './ci.js';
import { type Opened, resolved } from './opened.js';

export interface NoticeOptions {
  /** Where the author explains what is counted. */
  url?: string;
  /** Raise it when what is counted changes materially: the notice is shown again once. */
  version?: number;
  stream?: NodeJS.WriteStream;
}

/** What the words need to know about the tool. */
export type Wording = Pick<Opened, 'program' | 'envVar' | 'command'>;

/** Prints the notice if this program has not shown this version on this machine; true if printed. */
export function notice(options: NoticeOptions = {}): boolean {
  let dirs: Layout | null = null;
  try {
    const stream = options.stream ?? process.stderr;
    // Cheap checks first: most runs (pipes, CI) stop here without any file I/O.
    if (!stream.isTTY || isCI()) return false;
    const tool = resolved();
    dirs = tool.dirs;
    if (!dirs) return false;
    const version = noticeVersion(options.version);
    if (
      noticeRecord(dirs, tool.program).notice >= version ||
      settled(dirs, tool.program, tool.envVar)
    )
      return false;
    // Remember before printing: if we cannot remember, we stay quiet rather than repeat
    // ourselves on every run (and an unwritable directory means nothing is counted anyway).
    updateNotice(dirs, tool.program, { notice: version });
    stream.write(wrap(noticeText(tool, options.url), width(stream)) + '\n');
    return true;
  } catch (e) {
    debugLog(dirs, `notice: ${(e as Error)?.message ?? e}`);
    return false;
  }
}

/**
 * Names only commands the user has: the tool's own mounted command when it declared one;
 * otherwise the variables that stop counting, and the standalone `telemetry` command only
 * as something that works where it is installed.
 */
export function noticeText(tool: Wording, url?: string): string {
  const { program, command } = tool;
  const share = command
    ? `Nothing is sent anywhere unless you run "${command} on".`
    : `Nothing is sent anywhere unless you turn sharing on: ${noCommand(tool, 'on')}`;
  const stop = command
    ? `To stop counting, run "${command} off" or set ${stopVariables(tool)}.`
    : `To stop counting, set ${stopVariables(tool)}.`;
  return (
    `${program} counts how it is used, in local files on this machine only. ${share} ${stop}` +
    (url ? ` More: ${url}` : '')
  );
}

/** For a tool without a mounted command: it has none, and what works where `telemetry` is installed. */
export function noCommand(tool: Wording, mode: 'on' | 'local'): string {
  return (
    `${tool.program} offers no command for that, but where the standalone "telemetry" command ` +
    `is installed, "telemetry ${mode} --program ${shellWord(tool.program)}" does.`
  );
}

/** `MY_CLI_TELEMETRY_DISABLED=1 or DO_NOT_TRACK=1`: the tool's own variable first. */
export function stopVariables(tool: Wording): string {
  const own = tool.envVar || toolEnvVar(tool.program);
  return own ? `${own}=1 or DO_NOT_TRACK=1` : 'DO_NOT_TRACK=1';
}

function noticeVersion(version: unknown): number {
  return typeof version === 'number' && Number.isFinite(version) ? version : 1;
}

/** npm names are shell-safe; a fallback name from a script file may not be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function width(stream: NodeJS.WriteStream): number {
  const cols = stream.columns;
  return typeof cols === 'number' && cols > 20 ? Math.min(cols, 80) : 80;
}

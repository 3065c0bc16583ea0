// What open() resolved about the host (program, directory, its own opt-out variable, the
// command that controls it), so that notice() and askToShare() speak about the same program
// open() counts for instead of working it out again from the working directory.
import {
  type Collector,
  type Layout,
  debugLog,
  defaultRoot,
  hostProgram,
  layout,
  recordProgram,
} from '../settings/index.js';

export interface Opened {
  program: string;
  dirs: Layout | null;
  /** The author's own opt-out variable, when open() was given one. */
  envVar?: string;
  /** How users run the tool's mounted `telemetry` command, e.g. `mytool telemetry`. */
  command?: string;
  /** Where the program's reports go; none means never uploaded. */
  collector?: Collector;
}

let opened: Opened | null = null;

/** Called by open() once it knows the program and the directory. */
export function remember(options: {
  program: string;
  dirs: Layout | null;
  envVar?: string;
  command?: unknown;
  collector?: Collector;
}): void {
  opened = {
    program: options.program,
    dirs: options.dirs,
    envVar: options.envVar,
    command: validCommand(options.command),
    collector: copyCollector(options.collector),
  };
}

/** Only the known fields, copied: the author's object may carry more, or change later. */
function copyCollector(collector: Collector | undefined): Collector | undefined {
  if (!collector) return undefined;
  const { url, key, witnesses, quorum } = collector;
  return {
    url,
    key,
    ...(witnesses ? { witnesses: [...witnesses] } : {}),
    ...(quorum !== undefined ? { quorum } : {}),
  };
}

/**
 * Called by open() when counting is not off: records the program's own variable and command
 * in programs.json for `telemetry status`, and its collector for the uploader (a program
 * opened without one loses the one it had: its counts then go nowhere). Never throws.
 */
export function recordOpened(): void {
  const host = opened;
  if (!host?.dirs) return;
  try {
    recordProgram(host.dirs, host.program, {
      envVar: host.envVar || undefined,
      command: host.command,
      collector: host.collector,
    });
  } catch (error) {
    debugLog(
      host.dirs,
      `cannot record the program in programs.json: ${(error as Error)?.message ?? error}`,
    );
  }
}

/**
 * What open() resolved; before open() (or when the environment turned counting off and the
 * engine never opened), what open() with no options would resolve: the host's package name,
 * the default directory, the derived variable and no command.
 */
export function resolved(): Opened {
  if (opened) return opened;
  const root = defaultRoot();
  return { program: hostProgram().name, dirs: root === null ? null : layout(root) };
}

/** For tests that open again in one process. */
export function forgetOpened(): void {
  opened = null;
}

/** Checked by the entry with the other options (hub.ts): here only trimmed. */
function validCommand(command: unknown): string | undefined {
  return typeof command === 'string' ? command.trim() : undefined;
}

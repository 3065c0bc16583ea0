// The effective mode of one program and why: the user's choice (per program, else machine-wide,
// else the default `local`), then every opt-out from the environment or the project, which
// can only lower it. docs/settings.md has the full precedence table.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Layout } from './dir.js';
import { type Mode, lower, rank, readMachineMode, readProgramModes } from './mode.js';
import { envOverrides } from './env.js';
import { toolEnvVar } from './program.js';
import { isUnreadable, readText, type Unreadable, unreadableText } from '../../safeio/index.js';
import { CAPS } from './caps.js';

/** One thing that decided or lowered the mode, in words a user can act on. */
export interface Reason {
  source: 'default' | 'machine' | 'program' | 'env' | 'project' | 'no-directory' | 'unreadable';
  /**
   * The variable, file or setting, e.g. `DO_NOT_TRACK=1` or `/repo/package.json`; for
   * `unreadable`, `<file>: <reason>` (a settings file that could not be read means off).
   */
  detail: string;
  mode: Mode;
  date?: string | null;
}

export interface Decision {
  mode: Mode;
  /** What the user chose (or the default), before any opt-out. */
  chosen: Reason;
  /** Opt-outs active right now, strongest first; the first one decided if it lowered the mode. */
  overrides: Reason[];
  /** The reason that decided the effective mode. */
  decidedBy: Reason;
  /** Problems met while reading settings, e.g. a malformed package.json; never fatal. */
  warnings: string[];
}

export interface PolicyInput {
  dirs: Layout | null;
  program: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** An author-chosen name for the per-tool variable, instead of the derived one. */
  envVar?: string;
}

export function decide(input: PolicyInput): Decision {
  const env = input.env ?? process.env;
  const warnings: string[] = [];
  const chosen = userChoice(input.dirs, input.program);
  const overrides: Reason[] = [...envOverrides(env, input.envVar ?? toolEnvVar(input.program))];
  const project = projectSetting(
    input.cwd ?? process.cwd(),
    input.home ?? (env.HOME || env.USERPROFILE || ''),
    warnings,
  );
  if (project) overrides.push(project);
  overrides.sort((a, b) => rank(a.mode) - rank(b.mode));
  const strongest = overrides[0];
  const mode = strongest ? lower(chosen.mode, strongest.mode) : chosen.mode;
  const decidedBy = strongest && rank(strongest.mode) < rank(chosen.mode) ? strongest : chosen;
  return { mode, chosen, overrides, decidedBy, warnings };
}

function userChoice(dirs: Layout | null, program: string): Reason {
  if (dirs === null) return { source: 'no-directory', detail: NO_DIRECTORY, mode: 'off' };
  // Any of these files may hold this program's `off`: one that cannot be read decides off.
  const { choices, unreadable } = readProgramModes(dirs);
  if (unreadable) return unreadableReason(unreadable);
  const own = choices.get(program);
  if (own)
    return { source: 'program', detail: dirs.programModesFile, mode: own.mode, date: own.date };
  const machine = readMachineMode(dirs);
  if (machine?.unreadable) return unreadableReason(machine.unreadable);
  if (machine)
    return { source: 'machine', detail: dirs.modeFile, mode: machine.mode, date: machine.date };
  return { source: 'default', detail: 'no choice made yet', mode: 'local' };
}

const NO_DIRECTORY = 'no telemetry directory: neither HOME nor TRANSPARENT_TELEMETRY_DIR is set';

function unreadableReason(unreadable: Unreadable): Reason {
  return { source: 'unreadable', detail: unreadableText(unreadable), mode: 'off' };
}

/**
 * The nearest `package.json` with a `transparentTelemetry` field, walking up from `cwd` and
 * stopping at the repository root (the folder holding `.git`) or the home directory.
 */
export function projectSetting(cwd: string, home: string, warnings: string[]): Reason | null {
  // Normalised so that `HOME=/home/me/` or a relative cwd still stop the walk where they should.
  const stop = home ? resolve(home) : '';
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = readSetting(join(dir, 'package.json'), warnings);
    if (found !== undefined) return found;
    if (dir === stop || existsSync(join(dir, '.git')) || dirname(dir) === dir) return null;
  }
}

/**
 * undefined: this file has no setting, keep looking; null: it has one that lowers nothing.
 * A file that exists but cannot be read (a special file, too large, no permission) may hold
 * the project's `off`, so it decides off; one that is not JSON is skipped with a warning.
 */
function readSetting(file: string, warnings: string[]): Reason | null | undefined {
  const text = readText(file, CAPS.pkg);
  if (isUnreadable(text)) return text.absent ? undefined : unreadableReason(text);
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (e) {
    warnings.push(`${file}: ignored, not valid JSON (${(e as Error).message})`);
    return undefined;
  }
  if (typeof pkg !== 'object' || pkg === null || !('transparentTelemetry' in pkg)) return undefined;
  const value = (pkg as { transparentTelemetry: unknown }).transparentTelemetry;
  // Like the environment, a project can only lower: "on" is no setting, anything unclear is off.
  if (value === 'on') return null;
  const mode: Mode = value === 'local' ? 'local' : 'off';
  return {
    source: 'project',
    detail: `${file} ("transparentTelemetry": ${JSON.stringify(value)})`,
    mode,
  };
}

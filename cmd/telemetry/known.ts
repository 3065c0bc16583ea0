// The programs this machine knows of: those with a count file, a per-program choice, or a
// record in programs.json (what a tool declared when it opened). Used to list programs in
// `status` and to catch a mistyped `--program`.
import { listCountFiles, readCountFile } from '../../counter/countfile/index.js';
import {
  type Layout,
  type ProgramSettings,
  decide,
  readProgramModes,
  readPrograms,
  toolEnvVar,
} from '../../counter/settings/index.js';
import type { Context } from './context.js';
import { byCodePoint } from './read-files.js';

export interface Known {
  /** Every known program, sorted. */
  names: string[];
  /** Programs seen in count files. */
  counted: Set<string>;
  /** Count-file problems, for the caller to report. */
  warnings: string[];
}

export function knownPrograms(dirs: Layout): Known {
  const counted = new Set<string>();
  const warnings: string[] = [];
  for (const file of listCountFiles(dirs.localDir)) {
    const r = readCountFile(file);
    if ('error' in r) warnings.push(r.error);
    else if (r.info.program) counted.add(r.info.program);
  }
  const names = new Set([
    ...counted,
    ...readProgramModes(dirs).choices.keys(),
    ...readPrograms(dirs).keys(),
  ]);
  return { names: [...names].sort(byCodePoint), counted, warnings };
}

/** What the program declared (`programs`: programs.json, read once by the caller), with the variable that turns it off. */
export function declared(
  programs: Map<string, ProgramSettings>,
  program: string,
): ProgramSettings & { offVar: string | null } {
  const own = programs.get(program) ?? {};
  return { ...own, offVar: own.envVar ?? toolEnvVar(program) };
}

/**
 * The effective mode of one program here and now, with its own variable if it declared one;
 * a caller asking for many programs passes programs.json as read once.
 */
export function decideFor(
  ctx: Context,
  program: string,
  programs: Map<string, ProgramSettings> = readPrograms(ctx.dirs),
) {
  return decide({
    dirs: ctx.dirs,
    program,
    env: ctx.env,
    cwd: ctx.cwd,
    envVar: program ? programs.get(program)?.envVar : undefined,
  });
}

/**
 * A choice for a program nobody here has heard of is most likely a typo (`my-clii`): it is
 * still recorded (the tool may simply not have run yet), with a warning listing the known ones.
 */
export function warnIfUnknown(ctx: Context, program: string, known: Known): void {
  if (known.names.includes(program)) return;
  const list = known.names.length
    ? `known programs: ${known.names.join(', ')}`
    : 'no program is known here yet';
  ctx.err(
    ctx.style.yellow(
      `warning: no program named ${program} has counted here or has a choice (${list})`,
    ) + '\n',
  );
}

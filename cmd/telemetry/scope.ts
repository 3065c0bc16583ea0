// Which program a choice is for. The standalone `telemetry` acts machine-wide unless given
// `--program P`; a tool's mounted command (`mytool telemetry`) acts for that tool unless
// given `--all`. Shared by on/off/local and reset.
import type { Command } from 'commander';
import { CliError, EXIT_USAGE, type Context, type Invocation } from './context.js';

export interface ScopeOptions {
  program?: string;
  all?: boolean;
}

export function addScopeOptions(cmd: Command, inv: Invocation, verb: string): Command {
  if (inv.program)
    return cmd.option(
      '--all',
      `${verb} for every program on this machine, not only ${inv.program}`,
    );
  return cmd
    .option('--program <name>', `${verb} for this program only (its npm package name)`)
    .option('--all', `${verb} for every program on this machine (the default)`);
}

/** The program the command acts for, or null for every program. */
export function target(ctx: Context, opts: ScopeOptions): string | null {
  if (opts.all && opts.program !== undefined)
    throw new CliError('--program and --all do not go together', EXIT_USAGE);
  if (opts.all) return null;
  if (opts.program !== undefined) {
    if (opts.program.trim() === '')
      throw new CliError('--program needs a program name', EXIT_USAGE);
    return opts.program;
  }
  return ctx.inv.program ?? null;
}

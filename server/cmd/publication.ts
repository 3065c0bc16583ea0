// The publication flags `merge` and `serve` share (docs/publication-privacy.md): the mode's k,
// and in aggregates mode the privacy budget, on by default; --no-noise-k-only-unsafe turns the
// noise off, loudly named because k alone does not resist injected reports.
import type { Command } from 'commander';
import { DEFAULT_BUDGET as D, type PublishMode } from '../merge/index.js';
import { CliError, EXIT_USAGE } from './common.js';

export interface PublicationFlags {
  publish: PublishMode;
  k: string;
  epsilon?: string;
  delta?: string;
  valuesPerReport?: string;
  /** Commander's negation: false when --no-noise-k-only-unsafe is given. */
  noiseKOnlyUnsafe?: boolean;
}

/** What merging publishes with; no epsilon: no noise (raw mode, or the unsafe flag). */
export interface Publication {
  k: number;
  epsilon?: number;
  delta?: number;
  valuesPerReport?: number;
}

/** Adds the publication flags to a command. */
export function publicationFlags(command: Command): Command {
  const mode = 'aggregates mode:';
  return command
    .option('--k <n>', `${mode} fewest reports behind any published number`, '20')
    .option('--epsilon <e>', `${mode} privacy loss per report and weekly release (${D.epsilon})`)
    .option('--delta <d>', `${mode} most chance a label one report holds shows (${D.delta})`)
    .option('--values-per-report <n>', `${mode} most counts one report adds (${D.valuesPerReport})`)
    .option(
      '--no-noise-k-only-unsafe',
      `${mode} NO noise, exact numbers behind k reports: ` + 'injected reports beat it',
    );
}

const usage = (message: string) => new CliError(message, EXIT_USAGE);

/** The publication flags, checked the same way for `merge` and for `serve`'s hourly merge. */
export function publicationOptions(flags: PublicationFlags): Publication {
  if (!/^[1-9][0-9]{0,5}$/.test(flags.k)) {
    throw usage(`--k: ${JSON.stringify(flags.k)} is not a whole number from 1 to 999999`);
  }
  const k = Number(flags.k);
  const given: Array<[string, string | undefined]> = [
    ['--epsilon', flags.epsilon],
    ['--delta', flags.delta],
    ['--values-per-report', flags.valuesPerReport],
  ];
  const noiseFlag = given.find(([, value]) => value !== undefined)?.[0];
  const unsafe = flags.noiseKOnlyUnsafe === false;
  if (flags.publish !== 'aggregates') {
    if (noiseFlag || unsafe) {
      const flag = noiseFlag ?? '--no-noise-k-only-unsafe';
      throw usage(
        `${flag}: noise applies only with --publish aggregates ` +
          '(raw mode publishes the reports)',
      );
    }
    return { k };
  }
  if (unsafe) {
    if (noiseFlag) throw usage(`${noiseFlag} and --no-noise-k-only-unsafe contradict each other`);
    return { k };
  }
  const epsilon = numberFlag(
    ['--epsilon', flags.epsilon],
    D.epsilon,
    'a number in (0, 100]',
    (value) => value > 0 && value <= 100,
  );
  const delta = numberFlag(
    ['--delta', flags.delta],
    D.delta,
    'a number in (0, 0.01]',
    (value) => value > 0 && value <= 0.01,
  );
  const valuesPerReport = numberFlag(
    ['--values-per-report', flags.valuesPerReport],
    D.valuesPerReport,
    'a whole number from 5 to 100000',
    (value) => Number.isInteger(value) && value >= 5 && value <= 100_000,
  );
  return { k, epsilon, delta, valuesPerReport };
}

/** A numeric flag's value, its default when absent; a usage error naming the flag otherwise. */
function numberFlag(
  [flag, text]: [string, string | undefined],
  fallback: number,
  what: string,
  accepts: (n: number) => boolean,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^[0-9.e+-]+$/i.test(text) || !accepts(n)) {
    throw usage(`${flag}: ${JSON.stringify(text)} is not ${what}`);
  }
  return n;
}

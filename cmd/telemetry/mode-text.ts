// What each mode means, in the words `telemetry on|off|local` prints after setting it. Kept
// apart from the command code so the promises made to users can be read (and reviewed) alone.
import type { Mode } from '../../counter/settings/index.js';
import type { Invocation } from './context.js';

export interface Where {
  localDir: string;
  today: string;
  /** What the user types to run these commands, e.g. `telemetry` or `mytool telemetry`. */
  name: string;
  /** `off --purge` has just deleted the counts, so they no longer "stay". */
  purged?: boolean;
}

export function meaning(mode: Mode, where: Where): string {
  const n = where.name;
  switch (mode) {
    case 'on':
      return (
        'Tools keep counting on this machine, and once a week they may send a report: the weekly ' +
        "totals of only those counters that the tool's vendor lists in its public, signed " +
        'collection config. A report holds no IDs, no file paths and nothing about who you are. ' +
        "Each vendor's collector publishes those configs and the data it receives; " +
        `'${n} status' shows where each tool's reports go, and '${n} preview' the exact bytes ` +
        `before they leave. Nothing counted up to today (${where.today}) is ever sent, and a ` +
        'tool that names no collector sends nothing.'
      );
    case 'local':
      return (
        `Tools count on this machine and keep the weekly counts in ${where.localDir}, where ` +
        `'${n} dump' and '${n} view' show them. Nothing is sent anywhere.`
      );
    case 'off':
      if (where.purged) return 'Tools stop counting and nothing is sent.';
      return (
        'Tools stop counting and nothing is sent. Counts already recorded stay in ' +
        `${where.localDir} until you delete them with '${n} clean' or '${n} off --purge'.`
      );
  }
}

export const SUMMARY: Record<Mode, string> = {
  on: 'count locally and allow weekly reports of the counters each vendor publishes',
  local: 'count on this machine only; nothing is sent (the default)',
  off: 'stop counting and sending; --purge also deletes what was counted',
};

export function examples(mode: Mode, inv: Invocation): string {
  const n = inv.name;
  const rows: [string, string][] = inv.program
    ? [
        [`${n} ${mode}`, `only ${inv.program}; wins over the machine-wide mode`],
        [`${n} ${mode} --all`, 'every program on this machine'],
      ]
    : [
        [`${n} ${mode}`, 'every program on this machine'],
        [`${n} ${mode} --program my-cli`, 'only my-cli; wins over the machine-wide mode'],
      ];
  if (mode === 'off')
    rows.push([
      `${n} off --purge`,
      inv.program
        ? `and delete ${inv.program}'s count files`
        : 'and delete count files and reports',
    ]);
  const width = Math.max(...rows.map(([command]) => command.length));
  return `\nExamples:\n${rows.map(([command, why]) => `  $ ${command.padEnd(width)}  # ${why}`).join('\n')}\n`;
}

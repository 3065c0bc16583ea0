// What each mode means, in the words `telemetry on|off|local` prints after setting it. Kept
// apart from the command code so the promises made to users can be read (and reviewed) alone.
import type { Mode } from '../../counter/settings/index.js';

export interface Where {
  localDir: string;
  today: string;
}

export function meaning(mode: Mode, where: Where): string {
  switch (mode) {
    case 'on':
      return (
        'Tools keep counting on this machine, and once a week they may send a report: the weekly ' +
        "totals of only those counters that the tool's vendor lists in its public, signed " +
        'collection config. A report holds no IDs, no file paths and nothing about who you are. ' +
        "Each vendor's collector publishes those configs and the data it receives; " +
        "'telemetry status' will show the address once the tools you use name their collector. " +
        `Nothing is sent before the first full week after today (${where.today}) has ended, ` +
        'and nothing at all until your tools ship the uploader, which this release does not have yet.'
      );
    case 'local':
      return (
        `Tools count on this machine and keep the weekly counts in ${where.localDir}, where ` +
        "'telemetry dump' and 'telemetry view' show them. Nothing is sent anywhere."
      );
    case 'off':
      return (
        'Tools stop counting and nothing is sent. Counts already recorded stay in ' +
        `${where.localDir} until you delete them with 'telemetry clean' or 'telemetry off --purge'.`
      );
  }
}

export const SUMMARY: Record<Mode, string> = {
  on: 'count locally and allow weekly reports of the counters each vendor publishes',
  local: 'count on this machine only; nothing is sent (the default)',
  off: 'stop counting and sending; --purge also deletes what was counted',
};

export function examples(mode: Mode): string {
  const rows: [string, string][] = [
    [`telemetry ${mode}`, 'every program on this machine'],
    [`telemetry ${mode} --program my-cli`, 'only my-cli; wins over the machine-wide mode'],
  ];
  if (mode === 'off') rows.push(['telemetry off --purge', 'and delete count files and reports']);
  const width = Math.max(...rows.map(([c]) => c.length));
  return `\nExamples:\n${rows.map(([c, why]) => `  $ ${c.padEnd(width)}  # ${why}`).join('\n')}\n`;
}

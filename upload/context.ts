// What every phase of a run shares: the caller's options (the interface the background child
// and the CLI call), the run's clock, deadline, log and environment, what was gathered, the summary.
import type { Layout } from '../counter/settings/index.js';
import type { Work } from './gather.js';
import type { RunSummary } from './summary.js';

/** Which phases run: `telemetry preview` builds (fetching configs unless offline) but never sends or cleans. */
export interface Phase {
  build: boolean;
  network: boolean;
  send: boolean;
  clean: boolean;
  /** Only this program's reports (`telemetry upload --program P`): others wait for another run. */
  only?: string;
}

export interface RunOptions {
  /** The telemetry root (counter/settings layout(dir)). */
  dir: string;
  /** Every date decision; default new Date(). */
  now?: Date;
  /** Epoch ms: start nothing new after it; abort in-flight requests at it. */
  deadline?: number;
  /** Progress lines (the CLI prints them; the child writes them to debug/). */
  log?: (line: string) => void;
  /** Proxies and opt-outs; default process.env. */
  env?: Record<string, string | undefined>;
}

export interface RunContext {
  options: RunOptions;
  now: Date;
  deadline: number;
  log: (line: string) => void;
  env: Record<string, string | undefined>;
  dirs: Layout;
  work: Work;
  summary: RunSummary;
  phase: Phase;
}

// What a run did, JSON-friendly: what `telemetry upload --json` prints and the background child logs.
import type { Mode, Reason } from '../counter/settings/index.js';

export interface WeekEntry {
  collector: string;
  cid: string;
  week: string;
  reason: string;
}

export interface RunSummary {
  /** False when something failed or a collector refused a report (the CLI then exits 1). */
  ok: boolean;
  /** The run's UTC day. */
  today: string;
  /** Local reports written by this run. */
  localReports: string[];
  /** One entry per collector whose config this run verified (or tried to). */
  configs: {
    collector: string;
    cid: string;
    ok: boolean;
    config?: string;
    code?: string;
    message?: string;
  }[];
  /** Reports built (waiting in `<cid>/<week>.json`) by this run. */
  built: { collector: string; cid: string; week: string; file: string }[];
  sent: { collector: string; cid: string; week: string; status: number; file: string }[];
  /** Weeks that will never be sent, and why (`code`: sampled-out, nothing-allowed, too-old, too-large, refused). */
  dropped: (WeekEntry & { code: string; status?: number })[];
  /** Failed this time, tried again on a later run (network, 408, 429, 5xx, config not verified). */
  retry: WeekEntry[];
  /** Not attempted now, without failure (future week, program not on now, another run holds the lock). */
  waiting: WeekEntry[];
  /** Files cleanup removed. */
  cleaned: string[];
  /** Files left alone because they could not be read. */
  unreadable: string[];
  errors: string[];
  /**
   * Programs that name a collector but send nothing now, and what decided it: an opt-out
   * (DO_NOT_TRACK, the tool's variable, mode off, a project setting) or mode local.
   */
  notOn: { program: string; mode: Mode; decidedBy: Reason }[];
}

export function emptySummary(today = ''): RunSummary {
  return {
    ok: true,
    today,
    localReports: [],
    configs: [],
    built: [],
    sent: [],
    dropped: [],
    retry: [],
    waiting: [],
    cleaned: [],
    unreadable: [],
    errors: [],
    notOn: [],
  };
}

export function finish(summary: RunSummary): RunSummary {
  summary.ok =
    summary.errors.length === 0 &&
    summary.retry.length === 0 &&
    !summary.dropped.some((drop) => drop.code === 'refused') &&
    !summary.configs.some((config) => !config.ok);
  return summary;
}

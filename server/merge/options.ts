// What one merge run is told: the publication mode and its parameters, and the clock.
import type { PublishMode } from './aggregate.js';
import type { Uniform } from './noise.js';

export interface MergeOptions {
  publish: PublishMode;
  /** Fewest reports behind any published number (aggregates mode). */
  k: number;
  /**
   * Aggregates mode: the privacy budget per report and release (budget.ts); unset: no noise,
   * k alone (the commands set DEFAULT_BUDGET unless told --no-noise-k-only-unsafe).
   */
  epsilon?: number | undefined;
  delta?: number | undefined;
  /** Aggregates mode: the most published counts one report may change (default 64). */
  valuesPerReport?: number | undefined;
  /** The clock: days before now's UTC day are over. */
  now: Date;
  uniform?: Uniform | undefined;
  /** Bytes per part of a raw day's NDJSON (PART_BYTES; smaller in tests). */
  partBytes?: number | undefined;
}

// What every store does, so that `serve` and `merge` are written once and the embedded store
// (a directory) and PostgreSQL pass one test suite. A store holds the reports accepted, grouped
// by the UTC day they arrived (the unit of merging), and the files published from them.

/** One accepted report: the exact bytes received, and the fields that identify it. */
export interface StoredReport {
  /** The report's `Week`. */
  week: string;
  /** The report's `X`, as received (its decimal text), the report's only identity. */
  x: string;
  /** The UTC day it arrived, `YYYY-MM-DD`. */
  day: string;
  /** The request body exactly as received (UTF-8 JSON). */
  body: string;
}

/**
 * What `put` did. `stored`: durable now (synced or committed). `duplicate`: the same bytes for
 * this (week, X) were stored before; nothing new stored. `conflict`: other bytes were stored
 * for this (week, X); refused, nothing stored.
 */
export type PutResult = 'stored' | 'duplicate' | 'conflict';

/**
 * Where a store lives, so that another thread (the merge worker) can open its own connection
 * to it: the data directory of the embedded store, or the PostgreSQL URL.
 */
export type StoreLocation = { kind: 'sqlite'; root: string } | { kind: 'postgres'; url: string };

export interface Store {
  /** Where it lives; absent for a store that is only a view of another (a test's wrapper). */
  readonly location?: StoreLocation;
  /** Stores one validated report; resolves only once it is durable. */
  put(report: StoredReport): Promise<PutResult>;
  /** Days that hold reports not merged yet, oldest first. */
  unmergedDays(): Promise<string[]>;
  /** Every report of a day, in a stable order (by week, then X). */
  reportsOf(day: string): AsyncIterable<StoredReport>;
  /**
   * Marks a day merged once its published files are written; with `dropRaw` (publication mode
   * `aggregates`) deletes its reports too, so nothing is held that the public cannot see.
   */
  markMerged(day: string, dropRaw: boolean): Promise<void>;
  /** Runs `work` holding the one merge lock across every replica; null if another holder has it. */
  withMergeLock<T>(work: () => Promise<T>): Promise<T | null>;
  /** Writes a published file (`name` like `merged/2026-11-29.ndjson`) whole, replacing any old one. */
  putPublished(name: string, bytes: Uint8Array): Promise<void>;
  /** A published file, or null when absent. */
  getPublished(name: string): Promise<Uint8Array | null>;
  /** Names of published files under a prefix, sorted. */
  listPublished(prefix: string): Promise<string[]>;
  /** Whether the store answers now (for `/healthz`). */
  healthy(): Promise<boolean>;
  /** Finishes what is in flight and releases every handle. */
  close(): Promise<void>;
}

/**
 * The merge worker's own way into a store (merge-access.ts): the day's reports and the
 * published files, without the thread that answers uploads.
 */
export interface MergeAccess {
  /** Every report of a day, by week then X (as Store.reportsOf), a bounded page at a time. */
  reportsOf(day: string): AsyncIterable<StoredReport>;
  putPublished(name: string, bytes: Uint8Array): Promise<void>;
  getPublished(name: string): Promise<Uint8Array | null>;
  listPublished(prefix: string): Promise<string[]>;
  /** Releases the connection. */
  close(): Promise<void>;
}

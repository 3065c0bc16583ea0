// What the intake suite's parts share (intake-suite.ts and the files it calls): the running
// server, the bodies answered 200 so far, and the two ways a case ends (stored or refused).
import type { Served } from './serve-helpers.js';
import { day } from './serve-helpers.js';

export interface IntakeContext {
  /** The server under test, started by the suite's beforeAll. */
  readonly s: Served;
  /** Canonical bodies of every report answered 200: what the store must hold at the end. */
  stored: Set<string>;
  /** Uploads `body` for week `w` and expects it stored. */
  ok: (week: string, body: string) => Promise<void>;
  /** Uploads `body` for week `w` and expects a 400 problem with this code, field and reason. */
  refused: (
    code: string,
    field: string,
    reason: RegExp,
    week: string,
    body: string | Uint8Array,
    type?: string | null,
  ) => Promise<void>;
}

export const week = day(-3);
export const x = (count: number): string => `0.${String(count).padStart(4, '0')}1`;

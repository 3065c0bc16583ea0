// Awaiting events instead of sleeping: a test waits for what it needs (a file, an exit, a
// condition) and fails only when a generous deadline passes, so a loaded machine makes a
// test slower, never wrong.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The failure bound of every wait here: far beyond what any event takes, even under load. */
export const WAIT_LIMIT_MS = 60_000;

/** Resolves once `check()` is true; polls every `everyMs`; rejects with `what` at the bound. */
export async function until(what: string, check: () => boolean, everyMs = 10): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, everyMs));
  }
}

/** Resolves once `path` exists. */
export function untilFile(path: string): Promise<void> {
  return until(`${path} to appear`, () => existsSync(path));
}

export interface Exit {
  status: number | null;
  output: string;
}

/** The child's exit status and everything it printed (stdout, then stderr, as they came). */
export function exitOf(child: ChildProcess): Promise<Exit> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((done) => child.on('close', (status) => done({ status, output })));
}

/**
 * Opens a barrier once `count` processes wait at it: each writes `ready-<id>` beside the
 * barrier file before it waits (test/fixtures/stress.mjs), and all go when the file appears.
 */
export async function openBarrier(barrier: string, count: number): Promise<void> {
  const ready = () => readdirSync(dirname(barrier)).filter((name) => name.startsWith('ready-'));
  await until(`${count} processes at ${barrier}`, () => ready().length >= count);
  writeFileSync(barrier, '');
}

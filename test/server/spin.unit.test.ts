// The main thread's short turning after a batch goes to the SQLite worker (server/store/spin.ts):
// it turns while something is at the worker, and never past its window, so an idle server sleeps.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { makeSpinner } from '../../server/store/spin.js';

/** A spinner whose `busy` answers `answer()` and counts the turns that asked. */
function counted(answer: () => boolean, windowMs: number) {
  let turns = 0;
  const wake = makeSpinner(() => (turns++, answer()), windowMs);
  return { wake, turns: () => turns };
}

describe('makeSpinner', () => {
  it('turns the loop while busy, and stops at the end of its window', async () => {
    // Windows and waits long enough that a loaded machine (the whole suite on 2 cores) still
    // gives the loop time to turn: a 2 ms wait once saw a single turn there.
    const spinner = counted(() => true, 100);
    spinner.wake();
    await sleep(30);
    // Several turns a millisecond: a loop that slept between turns (a 1 ms timer) made 27.
    expect(spinner.turns()).toBeGreaterThan(100);
    await sleep(150);
    const after = spinner.turns();
    await sleep(20);
    expect(spinner.turns()).toBe(after); // past the window: stopped, though still "busy"
  });

  it('stops at the first turn that finds nothing at the worker', async () => {
    const spinner = counted(() => false, 1_000);
    spinner.wake();
    await sleep(20);
    expect(spinner.turns()).toBe(1);
  });

  it('a wake while turning extends the window and starts no second loop', async () => {
    const spinner = counted(() => true, 100);
    spinner.wake();
    await sleep(60);
    spinner.wake(); // the window now ends ~160 ms after the start
    await sleep(60);
    const mid = spinner.turns(); // past the first window's end
    await sleep(10);
    expect(spinner.turns()).toBeGreaterThan(mid); // still turning
    await sleep(120);
    const after = spinner.turns();
    await sleep(30);
    expect(spinner.turns()).toBe(after);
  });
});

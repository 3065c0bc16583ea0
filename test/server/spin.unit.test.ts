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
    const spinner = counted(() => true, 5);
    spinner.wake();
    await sleep(2);
    expect(spinner.turns()).toBeGreaterThan(3); // many turns within 2 ms: it does not sleep
    await sleep(20);
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
    const spinner = counted(() => true, 8);
    spinner.wake();
    await sleep(5);
    spinner.wake(); // window now ends ~13 ms after the start
    const mid = spinner.turns();
    await sleep(5);
    expect(spinner.turns()).toBeGreaterThan(mid); // still turning past the first window's end
    await sleep(30);
    const after = spinner.turns();
    await sleep(20);
    expect(spinner.turns()).toBe(after);
  });
});

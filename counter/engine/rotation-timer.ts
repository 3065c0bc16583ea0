// The rotation timer (docs/counter-states.md), armed only once the process
// lives on past its second turn of the event loop: most tools' processes end before that, and a
// process's first timer costs ~0.25 to 0.9 ms. Two unref'd immediates in a row arm it; a process
// that exits first never needed it. A week that ends before the timer is armed is still caught:
// the delay is computed when the timer is armed, and is at least a second (`rotationDelay`).

/** What the timer asks of the state it serves. */
export interface RotationTarget {
  /** Epoch ms at which the open file's week ends, or null when no file is open. */
  endMs(): number | null;
  now(): Date;
  rotate(): void;
  fail(e: unknown): void;
}

export interface RotationTimer {
  /** Arms the timer after two turns of the loop (again, if it was armed). */
  arm(): void;
  /** Stops it; an arming already queued finds nothing open and does nothing. */
  cancel(): void;
}

export function rotationTimer(target: RotationTarget): RotationTimer {
  let timer: NodeJS.Timeout | null = null;
  let queued = false;
  const armNow = (): void => {
    queued = false;
    const end = target.endMs();
    if (end === null || timer) return;
    try {
      timer = setTimeout(target.rotate, rotationDelay(end, target.now().getTime()));
      timer.unref();
    } catch (e) {
      target.fail(e); // the author's clock (open({ now })) threw
    }
  };
  // The first immediate runs in the loop's first turn, which an ES module's loading (Node 20)
  // or a write to a pipe makes every process take; the second only in a process that goes on
  // turning the loop (each is unref'd, so neither holds the process).
  const armLater = (): void => {
    setImmediate(armNow).unref();
  };
  const cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return {
    arm(): void {
      cancel();
      if (queued) return;
      queued = true;
      setImmediate(armLater).unref();
    },
    cancel,
  };
}

/**
 * How long the rotation timer waits for a file ending at `endMs`: the time left, but at most
 * an hour, since timers run on a clock that stops while a laptop sleeps and the wall clock is
 * checked again at each firing; and at least a second, so a timer that fires a little early
 * re-arms for the rest instead of spinning.
 */
export function rotationDelay(endMs: number, nowMs: number): number {
  return Math.min(Math.max(endMs - nowMs, 1000), 3_600_000);
}

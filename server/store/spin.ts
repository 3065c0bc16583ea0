// Keeps the main thread's event loop turning for a short while after a batch goes to the SQLite
// worker, instead of sleeping in epoll until the answer's wake-up. On the machine this was
// measured on (a 2-core VM), waking a sleeping thread cost ~30 µs of system time each way (a
// worker ping-pong: 64 µs a round trip, 49 µs of it CPU), more than the worker's commit of a
// small batch; turning instead of sleeping took intake at 8 connections from ~14,500 to
// ~17,500 reports/s with `--sync normal` (bench/README.md). The loop still serves sockets and
// timers while it turns (an Immediate makes libuv poll without waiting), and it stops at the
// window's end or once nothing is at the worker, so an idle server sleeps.

/** Returns `wake`: call it when a batch is sent; the loop turns until `busy()` is false or `windowMs` passes. */
export function makeSpinner(busy: () => boolean, windowMs: number): () => void {
  let turning = false;
  let until = 0;
  const turn = (): void => {
    if (busy() && performance.now() < until) setImmediate(turn);
    else turning = false;
  };
  return () => {
    until = performance.now() + windowMs;
    if (turning) return;
    turning = true;
    setImmediate(turn);
  };
}

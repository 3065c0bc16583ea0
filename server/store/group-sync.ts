// The group sync of the SQLite worker (sqlite-worker.ts): the worker commits every batch that
// is waiting for it, then syncs the WAL once, on its own thread, and only then answers them
// all (what synchronous=FULL does inside each COMMIT, once for the group). While it syncs, the
// next batches queue up and are committed and synced together after. A sync on libuv's pool
// instead (so that the next batch could commit during the sync) was measured slower: on the
// 2-core VM it ran on, the pool's two thread hops cost more than the overlap gained
// (docs/collector-store.md). A failed sync fails the group sync for good: what it covered may
// or may not be on disk (as PostgreSQL does), so every later commit is answered with the failure.
// Like sqliteWorkerMain it reaches the worker as source text (worker-client.ts): it must use
// nothing from outside its own body.

export type SyncDone = (error: Error | null) => void;

export interface GroupSync {
  /** Syncs the WAL now (unless it failed before), then answers each of `answers`. */
  settle(answers: SyncDone[]): void;
  /** The first sync failure, or null. */
  failure(): Error | null;
}

/** `syncHere` syncs the WAL on this thread (fdatasyncSync) and throws on failure. */
export function makeGroupSync(syncHere: () => void): GroupSync {
  let failed: Error | null = null;
  return {
    settle(answers) {
      if (answers.length === 0) return;
      if (!failed) {
        try {
          syncHere();
        } catch (error) {
          failed = new Error(`syncing the WAL failed: ${(error as Error).message}`);
        }
      }
      for (const answer of answers) answer(failed);
    },
    failure: () => failed,
  };
}

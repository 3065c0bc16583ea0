// The group sync of the SQLite worker (sqlite-worker.ts): a commit's answer waits for a sync of
// the WAL that started after the commit (what synchronous=FULL does inside COMMIT), run off the
// writer so that the next batches commit meanwhile, and one sync covers every commit made before
// it started. Up to `most` syncs run at once (the worker uses 1: several were slower here,
// docs/collector-store.md); a sync that ends answers every commit made before it started,
// whichever sync the commit was waiting for. A failed sync fails the queue: what it covered may
// or may not be on disk (as PostgreSQL does), so every waiting and later commit is answered with
// the failure.
// Like sqliteWorkerMain it reaches the worker as source text (worker-client.ts): it must use
// nothing from outside its own body.

export type SyncDone = (error: Error | null) => void;

export interface SyncQueue {
  /** Call right after a commit: `answer` runs once a sync that started after it has ended. */
  afterCommit(answer: SyncDone): void;
  /**
   * Call right after a commit instead of afterCommit: syncs now, on this thread, and answers
   * this commit and every earlier one still waiting. For a large batch, where the pool's two
   * thread hops cost more than holding the writer for the sync (docs/collector-store.md).
   */
  syncNow(answer: SyncDone): void;
  /** The first sync failure, or null. */
  failure(): Error | null;
}

/**
 * `sync` syncs the WAL (fdatasync on libuv's pool) and calls its callback once, when done;
 * `syncHere` syncs it on this thread (fdatasyncSync) and throws on failure.
 */
export function makeSyncQueue(
  sync: (done: SyncDone) => void,
  most: number,
  syncHere: () => void,
): SyncQueue {
  let running = 0;
  let failed: Error | null = null;
  let commits = 0; // commits so far; a sync covers those counted when it started
  let covered = 0; // the commits the latest sync started covers
  const unsynced: Array<{ commit: number; answer: SyncDone }> = [];
  const fail = (error: Error): void => {
    failed ??= new Error(`syncing the WAL failed: ${error.message}`);
  };
  /** Answers every waiting commit a sync that started after commit `covers` has made durable. */
  const answerUpTo = (covers: number): void => {
    while (unsynced.length > 0 && (failed || unsynced[0]!.commit <= covers)) {
      unsynced.shift()!.answer(failed);
    }
  };
  const start = (): void => {
    running++;
    const covers = commits;
    covered = commits;
    sync((error) => {
      running--;
      if (error) fail(error);
      answerUpTo(covers);
      // Commits made while `most` syncs ran: no sync started yet covers them.
      if (!failed && commits > covered && running < most) start();
    });
  };
  return {
    afterCommit(answer) {
      if (failed) return answer(failed);
      unsynced.push({ commit: ++commits, answer });
      if (running < most) start();
    },
    syncNow(answer) {
      if (failed) return answer(failed);
      const covers = ++commits;
      covered = commits;
      try {
        syncHere();
      } catch (error) {
        fail(error as Error);
      }
      answerUpTo(covers);
      answer(failed);
    },
    failure: () => failed,
  };
}

// The SQLite store's group sync (server/store/sync-queue.ts): no commit is answered before a
// sync that started after it has ended, at most `most` syncs run at once (the worker runs
// one), a commit made while they all run gets a sync of its own once one ends, and a failed
// sync fails every commit waiting and every later one; a sync on the worker's own thread (a
// large batch) answers its commit and every earlier one waiting. The sync here is a function whose completion the test decides,
// so that every interleaving is reached; the real fdatasync runs in store-sqlite.test.ts and
// intake-serve.test.ts (SIGKILL under load loses nothing acknowledged).
import { describe, expect, it } from 'vitest';
import { type SyncDone, makeSyncQueue } from '../../server/store/sync-queue.js';

function harness(most: number) {
  const running: SyncDone[] = [];
  const answered: Array<{ commit: number; error: Error | null }> = [];
  const here = { syncs: 0, error: null as Error | null };
  const syncHere = (): void => {
    here.syncs++;
    if (here.error) throw here.error;
  };
  const queue = makeSyncQueue((done) => running.push(done), most, syncHere);
  let commits = 0;
  const commit = (): number => {
    const id = ++commits;
    queue.afterCommit((error) => answered.push({ commit: id, error }));
    return id;
  };
  /** A commit synced on this thread (syncNow): a large batch. */
  const commitHere = (): number => {
    const id = ++commits;
    queue.syncNow((error) => answered.push({ commit: id, error }));
    return id;
  };
  /** Ends the sync started `index`-th among those still running. */
  const end = (index: number, error: Error | null = null): void =>
    running.splice(index, 1)[0]!(error);
  return { queue, running, answered, here, commit, commitHere, end };
}

describe('group sync of the WAL', () => {
  it('answers a commit only once a sync started after it has ended', () => {
    const h = harness(1);
    h.commit(); // starts sync A
    h.commit(); // A runs: waits for the next
    expect(h.running).toHaveLength(1);
    h.end(0); // A ends: answers 1 only, starts B for 2
    expect(h.answered.map((answer) => answer.commit)).toEqual([1]);
    expect(h.running).toHaveLength(1);
    h.end(0);
    expect(h.answered.map((answer) => answer.commit)).toEqual([1, 2]);
    expect(h.running).toHaveLength(0);
  });

  it('runs up to `most` syncs at once; one that ends answers every commit before its start', () => {
    const h = harness(3);
    h.commit();
    h.commit();
    h.commit(); // three syncs run, each started after its commit
    expect(h.running).toHaveLength(3);
    h.commit(); // the fourth waits: no sync covers it yet
    expect(h.running).toHaveLength(3);
    h.end(2); // the third sync (started after commit 3) ends first: 1, 2 and 3 are on disk
    expect(h.answered.map((answer) => answer.commit)).toEqual([1, 2, 3]);
    expect(h.running).toHaveLength(3); // and commit 4 got a sync of its own
    h.end(0);
    h.end(0); // the first two end: they covered nothing still waiting
    expect(h.answered.map((answer) => answer.commit)).toEqual([1, 2, 3]);
    h.end(0);
    expect(h.answered.map((answer) => answer.commit)).toEqual([1, 2, 3, 4]);
    expect(h.answered.every((answer) => answer.error === null)).toBe(true);
  });

  it('a failed sync fails every waiting commit and every later one', () => {
    const h = harness(2);
    h.commit();
    h.commit();
    h.commit(); // waits behind two running syncs
    h.end(0, new Error('EIO'));
    expect(h.answered.map((answer) => answer.commit)).toEqual([1, 2, 3]);
    expect(
      h.answered.every((answer) => answer.error?.message === 'syncing the WAL failed: EIO'),
    ).toBe(true);
    h.end(0); // the other sync ends well, but the store stays failed
    h.commit();
    expect(h.answered.at(-1)?.error?.message).toBe('syncing the WAL failed: EIO');
    expect(h.queue.failure()?.message).toBe('syncing the WAL failed: EIO');
    expect(h.running).toHaveLength(0);
  });

  it('a sync here answers its commit and every earlier one still waiting, at once', () => {
    const h = harness(1);
    h.commit(); // sync A runs on the pool
    h.commit(); // waits for the sync after A
    h.commitHere(); // synced here: 1, 2 and 3 are on disk
    expect(h.here.syncs).toBe(1);
    expect(h.answered.map((answer) => answer.commit)).toEqual([1, 2, 3]);
    h.end(0); // A ends: nothing left to answer, and no sync starts for what was synced here
    expect(h.answered.map((answer) => answer.commit)).toEqual([1, 2, 3]);
    expect(h.running).toHaveLength(0);
    expect(h.answered.every((answer) => answer.error === null)).toBe(true);
  });

  it('a sync here that fails fails the queue: the waiting, this and every later commit', () => {
    const h = harness(1);
    h.commit();
    h.here.error = new Error('ENOSPC');
    h.commitHere();
    expect(h.answered.map((answer) => answer.error?.message)).toEqual([
      'syncing the WAL failed: ENOSPC',
      'syncing the WAL failed: ENOSPC',
    ]);
    h.here.error = null;
    h.commitHere(); // a later sync here is not even tried
    h.commit();
    expect(h.here.syncs).toBe(1);
    expect(h.answered.map((answer) => answer.commit)).toEqual([1, 2, 3, 4]);
    expect(h.answered.every((answer) => answer.error !== null)).toBe(true);
    expect(h.queue.failure()?.message).toBe('syncing the WAL failed: ENOSPC');
  });
});

// The SQLite store's group sync (server/store/group-sync.ts): one sync answers a whole group of
// commits, none before it has ended; a failed sync fails that group and every later one, and
// is never tried again. The sync here is a function the test watches and makes fail; the real
// fdatasync runs in store-sqlite.unit.test.ts and intake-serve.test.ts (SIGKILL under load loses
// nothing acknowledged).
import { describe, expect, it } from 'vitest';
import { type SyncDone, makeGroupSync } from '../../server/store/group-sync.js';

function harness() {
  const events: string[] = [];
  const here = { error: null as Error | null };
  const group = makeGroupSync(() => {
    events.push('sync');
    if (here.error) throw here.error;
  });
  /** The answers of commits `commits`, each logging its number and error. */
  const answers = (...commits: number[]): SyncDone[] =>
    commits.map((commit) => (error) => events.push(`${commit}: ${error?.message ?? 'ok'}`));
  return { group, events, here, answers };
}

describe('group sync of the WAL', () => {
  it('one sync, then every answer of the group', () => {
    const h = harness();
    h.group.settle(h.answers(1, 2, 3));
    expect(h.events).toEqual(['sync', '1: ok', '2: ok', '3: ok']);
  });

  it('an empty group syncs nothing', () => {
    const h = harness();
    h.group.settle([]);
    expect(h.events).toEqual([]);
  });

  it('a failed sync fails its group and every later one, and is not tried again', () => {
    const h = harness();
    h.here.error = new Error('EIO');
    h.group.settle(h.answers(1, 2));
    h.here.error = null;
    h.group.settle(h.answers(3));
    const failed = 'syncing the WAL failed: EIO';
    expect(h.events).toEqual(['sync', `1: ${failed}`, `2: ${failed}`, `3: ${failed}`]);
    expect(h.group.failure()?.message).toBe(failed);
  });
});

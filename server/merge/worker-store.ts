// The store as the merge worker sees it: the day's reports and the published files through the
// worker's own connection (server/store/merge-access.ts), the lock, the list of days and
// marking a day merged through the store the main thread lends (remote.ts). A merge run
// (run.ts) is the same code over this as over the store `telemetry-server merge` opens.
import type { MergeAccess, Store } from '../store/index.js';
import type { LentStore } from './remote.js';

export function workerStore(lent: LentStore, own: MergeAccess): Store {
  return {
    put: () => Promise.reject(new Error('the merge worker stores no reports')),
    unmergedDays: () => lent.unmergedDays(),
    reportsOf: (day) => own.reportsOf(day),
    markMerged: (day, dropRaw) => lent.markMerged(day, dropRaw),
    withMergeLock: (work) => lent.withMergeLock(work),
    putPublished: (name, bytes) => own.putPublished(name, bytes),
    getPublished: (name) => own.getPublished(name),
    listPublished: (prefix) => own.listPublished(prefix),
    healthy: () => lent.healthy(),
    close: () => own.close(),
  };
}

// The thread that owns the SQLite database. The binding is synchronous, so it runs here and
// never on the server's event loop: the main thread posts requests ({ id, op, args }) and gets
// answers ({ id, ok, value | error }); requests are served one at a time, in order, and the
// durable ones are answered once the WAL is synced (the group sync, at the end of this file).
// `sqliteWorkerMain` is started from its source text (`String(sqliteWorkerMain)`, sqlite.ts),
// so one copy serves both the TypeScript sources under test and the bundle: it must use nothing
// from outside its own body but the `require` it is given and what workerData carries.

/** What the main thread passes to the worker. */
export interface WorkerInit {
  /** The binding's resolved path (require('@photostructure/sqlite') from the main thread). */
  modulePath: string;
  /** The database file. */
  file: string;
  schema: string;
  /** A query that returns a row if the store predates tt_days, and the SQL that migrates it. */
  oldSchema: string;
  migrate: string;
  /**
   * Whether a commit is answered only once the WAL is synced (so it survives power loss), or
   * at once (it survives a crash of the process; SQLite syncs at checkpoints only).
   */
  syncEachCommit: boolean;
}

/** One row as the worker receives it to store: hash absent means "hash the body". */
export interface RowIn {
  week: string;
  x: string;
  day: string;
  body: string | null;
  hash?: string;
  merged?: boolean;
}

export type WorkerOp =
  | 'put'
  | 'import'
  | 'unmerged'
  | 'page'
  | 'markMerged'
  | 'dropBodies'
  | 'dropStale'
  | 'lock'
  | 'unlock'
  | 'ping'
  | 'close';

type MakeGroupSync = typeof import('./group-sync.js').makeGroupSync;
type Message = { id: number; op: WorkerOp; args: never[] };

/**
 * `load` is the worker's `require`: a parameter, so that no bundler rewrites it; so is
 * `makeGroupSync` (group-sync.ts), sent as source text beside this function's.
 */
export function sqliteWorkerMain(load: NodeJS.Require, makeGroupSync: MakeGroupSync): void {
  interface Statement {
    run(...params: unknown[]): { changes: number | bigint };
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  }
  interface Database {
    exec(sql: string): void;
    prepare(sql: string): Statement;
    close(): void;
    readonly isTransaction: boolean;
  }
  type Binding = { DatabaseSync: new (file: string, options: object) => Database };
  const threads = load('node:worker_threads') as typeof import('node:worker_threads');
  const crypto = load('node:crypto') as typeof import('node:crypto');
  const init = threads.workerData as WorkerInit;
  const port = threads.parentPort!;
  const binding = load(init.modulePath) as Binding;

  const fs = load('node:fs') as typeof import('node:fs');
  const db = new binding.DatabaseSync(init.file, { timeout: 10_000 });
  // WAL: readers (a vendor's sqlite3 shell, a backup) never block the writer. synchronous=NORMAL:
  // SQLite itself syncs the WAL at checkpoints only; the group sync below makes each commit
  // durable before it is answered, without holding the writer while the disk syncs.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('BEGIN IMMEDIATE');
  db.exec(init.schema);
  if (db.prepare(init.oldSchema).get() !== undefined) db.exec(init.migrate);
  db.exec('COMMIT');

  const insert = db.prepare(
    'INSERT INTO tt_reports (week, x, day, hash, body) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (week, x) DO NOTHING',
  );
  // A report stored into a merged day (the midnight edge in docs/collector-store.md) reopens
  // it, as the per-report flag did: the next merge publishes it (the week state keeps its sums
  // from being added twice). An import keeps a day merged only if all its rows are.
  const addDay = db.prepare(
    'INSERT INTO tt_days (day, merged) VALUES (?, 0) ' +
      'ON CONFLICT (day) DO UPDATE SET merged = 0 WHERE merged = 1',
  );
  const importDay = db.prepare(
    'INSERT INTO tt_days (day, merged) VALUES (?, ?) ' +
      'ON CONFLICT (day) DO UPDATE SET merged = min(merged, excluded.merged)',
  );
  const markDay = db.prepare('UPDATE tt_days SET merged = 1 WHERE day = ?');
  const hashOf = db.prepare('SELECT hash FROM tt_reports WHERE week = ? AND x = ?');
  const unmerged = db.prepare('SELECT day FROM tt_days WHERE merged = 0 ORDER BY day');
  const page = db.prepare(
    'SELECT week, x, body FROM tt_reports WHERE day = ? AND body IS NOT NULL ' +
      'AND (week, x) > (?, ?) ORDER BY week, x LIMIT ?',
  );
  const chunkEnd = db.prepare(
    'SELECT week, x FROM tt_reports WHERE day = ? AND (week, x) > (?, ?) ' +
      'ORDER BY week, x LIMIT 1 OFFSET ?',
  );
  const dropBodies = db.prepare(
    'UPDATE tt_reports SET body = NULL WHERE day = ? ' +
      'AND (week, x) > (?, ?) AND (week, x) <= (?, ?)',
  );
  // Every row of a merged day past the horizon, with or without a body: bodies a crash left
  // while they were being dropped go here too.
  const dropStale = db.prepare(
    'DELETE FROM tt_reports WHERE rowid IN (SELECT rowid FROM tt_reports WHERE day < ? ' +
      'AND day IN (SELECT day FROM tt_days WHERE merged = 1) LIMIT ?)',
  );
  const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  };

  /** All or nothing: on any error (a full disk) the transaction is rolled back and rethrown. */
  const transaction = <T>(work: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const out = work();
      db.exec('COMMIT');
      return out;
    } catch (e) {
      try {
        if (db.isTransaction) db.exec('ROLLBACK');
      } catch {
        // SQLite rolled back by itself (it may, on SQLITE_FULL): nothing of the batch is kept
      }
      throw e;
    }
  };

  const store = (rows: RowIn[], imported: boolean): string[] =>
    transaction(() => {
      const days = new Map<string, number>(); // days of stored rows, once; 0 if any is unmerged
      const out = rows.map((row) => {
        const hash = row.hash ?? sha256(row.body ?? '');
        const done = insert.run(row.week, row.x, row.day, hash, row.body);
        if (Number(done.changes) === 1) {
          days.set(row.day, Math.min(days.get(row.day) ?? 1, row.merged ? 1 : 0));
          return 'stored';
        }
        const had = hashOf.get(row.week, row.x) as { hash: string };
        return had.hash === hash ? 'duplicate' : 'conflict';
      });
      for (const [day, merged] of days) {
        if (imported) importDay.run(day, merged);
        else addDay.run(day);
      }
      return out;
    });

  // Group sync (group-sync.ts): every batch waiting is committed, then one fdatasync of the WAL
  // on this thread answers them all (serve, below).
  const walFd = init.syncEachCommit ? fs.openSync(`${init.file}-wal`, 'r') : -1;
  const syncs = walFd >= 0 ? makeGroupSync(() => fs.fdatasyncSync(walFd)) : null;
  const syncFailure = (): Error | null => syncs?.failure() ?? null;
  const DURABLE = new Set<WorkerOp>(['put', 'import', 'markMerged', 'dropBodies', 'dropStale']);

  const ops: Record<WorkerOp, (...args: never[]) => unknown> = {
    put: (rows: RowIn[]) => store(rows, false),
    import: (rows: RowIn[]) => store(rows, true),
    unmerged: () => (unmerged.all() as Array<{ day: string }>).map((row) => row.day),
    page: (day: string, week: string, x: string, limit: number) =>
      page.all(day, week, x, limit).map((row) => ({ ...(row as object) })),
    // One row, however many reports the day holds.
    markMerged: (day: string) => transaction(() => markDay.run(day)),
    // One chunk of a merged day's bodies dropped, in (week, x) order after the cursor; returns
    // the chunk's last key, or null past the day's end.
    dropBodies: (day: string, week: string, x: string, limit: number) =>
      transaction(() => {
        const last = chunkEnd.get(day, week, x, limit - 1) as
          | { week: string; x: string }
          | undefined;
        const through = last ?? { week: '\uffff', x: '' }; // the rest of the day
        dropBodies.run(day, week, x, through.week, through.x);
        return last ? { week: last.week, x: last.x } : null;
      }),
    // Keys of days no report inside the upload window can repeat: up to `limit` deleted.
    dropStale: (horizon: string, limit: number) => Number(dropStale.run(horizon, limit).changes),
    lock: (name: string, pid: number) =>
      transaction(() => {
        const held = db.prepare('SELECT pid FROM tt_locks WHERE name = ?').get(name) as
          | { pid: number }
          | undefined;
        if (held && alive(Number(held.pid))) return false; // a holder that died left it: taken over
        db.prepare('INSERT OR REPLACE INTO tt_locks (name, pid) VALUES (?, ?)').run(name, pid);
        return true;
      }),
    unlock: (name: string, pid: number) =>
      db.prepare('DELETE FROM tt_locks WHERE name = ? AND pid = ?').run(name, pid),
    ping: () => {
      const failure = syncFailure();
      if (failure) throw failure; // /healthz says so until a restart
      return (db.prepare('SELECT 1 AS one').get() as { one: number }).one === 1;
    },
    close: () => {
      db.close();
      if (walFd >= 0) fs.closeSync(walFd);
      port.close();
    },
  };

  /** Runs one request; a durable one's answer joins `unsynced` when the WAL must be synced first. */
  const handle = (msg: Message, unsynced: Array<(error: Error | null) => void>): void => {
    const fail = (failure: unknown): void => {
      const err = failure as { message?: string; code?: string };
      const error = String(err.message ?? failure);
      port.postMessage({ id: msg.id, ok: false, error, code: err.code ?? null });
    };
    try {
      const failure = syncFailure();
      if (failure && DURABLE.has(msg.op)) throw failure;
      const value = ops[msg.op](...msg.args);
      if (msg.op === 'close') return;
      const answer = (error: Error | null): void => {
        if (error) fail(error);
        else port.postMessage({ id: msg.id, ok: true, value });
      };
      if (syncs && DURABLE.has(msg.op)) unsynced.push(answer);
      else answer(null);
    } catch (e) {
      fail(e);
    }
  };
  // The request that woke the worker, then every one already waiting behind it (taken without
  // returning to the event loop), then one sync for all the durable ones among them. Requests
  // wait only while one is served: the main thread sends at most MAX_BATCHES batches at once.
  const serve = (first: Message): void => {
    const unsynced: Array<(error: Error | null) => void> = [];
    for (let msg: Message | undefined = first; msg; ) {
      if (msg.op === 'close') syncs?.settle(unsynced.splice(0)); // before the WAL's fd closes
      handle(msg, unsynced);
      if (msg.op === 'close') return;
      msg = threads.receiveMessageOnPort(port)?.message as Message | undefined;
    }
    syncs?.settle(unsynced);
  };
  port.on('message', serve);
  port.postMessage({ id: 0, ok: true, value: 'ready' });
}

// The thread that owns the SQLite database. The binding is synchronous, so it runs here and
// never on the server's event loop: the main thread posts requests ({ id, op, args }) and gets
// answers ({ id, ok, value | error }); requests are served one at a time, in order.
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
  | 'put' | 'import' | 'unmerged' | 'page' | 'markMerged' | 'lock' | 'unlock' | 'ping' | 'close';

/** `load` is the worker's `require`: a parameter, so that no bundler rewrites it. */
export function sqliteWorkerMain(load: NodeJS.Require): void {
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

  const db = new binding.DatabaseSync(init.file, { timeout: 10_000 });
  // WAL: readers (a vendor's sqlite3 shell, a backup) never block the writer. synchronous=FULL:
  // a commit returns only once the WAL is synced, so an acknowledged report survives power loss.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('BEGIN IMMEDIATE');
  db.exec(init.schema);
  db.exec('COMMIT');

  const insert = db.prepare(
    'INSERT INTO tt_reports (week, x, day, hash, body, merged) VALUES (?, ?, ?, ?, ?, ?) ' +
      'ON CONFLICT (week, x) DO NOTHING',
  );
  const hashOf = db.prepare('SELECT hash FROM tt_reports WHERE week = ? AND x = ?');
  const unmerged = db.prepare('SELECT DISTINCT day FROM tt_reports WHERE merged = 0 ORDER BY day');
  const page = db.prepare(
    'SELECT week, x, body FROM tt_reports WHERE day = ? AND body IS NOT NULL ' +
      'AND (week, x) > (?, ?) ORDER BY week, x LIMIT ?',
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

  const store = (rows: RowIn[]): string[] =>
    transaction(() =>
      rows.map((row) => {
        const hash = row.hash ?? sha256(row.body ?? '');
        const done = insert.run(row.week, row.x, row.day, hash, row.body, row.merged ? 1 : 0);
        if (Number(done.changes) === 1) return 'stored';
        const had = hashOf.get(row.week, row.x) as { hash: string };
        return had.hash === hash ? 'duplicate' : 'conflict';
      }),
    );

  const ops: Record<WorkerOp, (...args: never[]) => unknown> = {
    put: (rows: RowIn[]) => store(rows),
    import: (rows: RowIn[]) => store(rows),
    unmerged: () => (unmerged.all() as Array<{ day: string }>).map((row) => row.day),
    page: (day: string, week: string, x: string, limit: number) =>
      page.all(day, week, x, limit).map((row) => ({ ...(row as object) })),
    markMerged: (day: string, dropRaw: boolean, horizon: string) =>
      transaction(() => {
        const drop = dropRaw ? ', body = NULL' : '';
        db.prepare(`UPDATE tt_reports SET merged = 1${drop} WHERE day = ?`).run(day);
        // Keys of days no report inside the upload window can repeat are no longer needed.
        const stale = 'DELETE FROM tt_reports WHERE body IS NULL AND merged = 1 AND day < ?';
        db.prepare(stale).run(horizon);
      }),
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
    ping: () => (db.prepare('SELECT 1 AS one').get() as { one: number }).one === 1,
    close: () => {
      db.close();
      port.close();
    },
  };

  port.on('message', (msg: { id: number; op: WorkerOp; args: never[] }) => {
    try {
      const value = ops[msg.op](...msg.args);
      if (msg.op !== 'close') port.postMessage({ id: msg.id, ok: true, value });
    } catch (e) {
      const err = e as { message?: string; code?: string; errcode?: number };
      const error = String(err.message ?? e);
      port.postMessage({ id: msg.id, ok: false, error, code: err.code ?? null });
    }
  });
  port.postMessage({ id: 0, ok: true, value: 'ready' });
}

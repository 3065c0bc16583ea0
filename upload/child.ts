// The background upload run, started detached by a tool's process (counter/engine/
// upload-trigger.ts, docs/upload.md) as `node dist/upload/child.cjs`. Its output goes nowhere;
// it logs only to `<dir>/debug/` when the user created that folder. It always ends: a ref'd
// timer exits the process at HARD_LIMIT_MS whatever runUpload is waiting for.
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runUpload } from './index.js';

/** Everything the run does must fit here; the uploader stops starting work at DEADLINE_MS. */
export const HARD_LIMIT_MS = 60_000;
export const DEADLINE_MS = 50_000;

async function main(): Promise<void> {
  const start = Date.now();
  setTimeout(() => process.exit(0), HARD_LIMIT_MS);
  const dir = process.env.TRANSPARENT_TELEMETRY_DIR;
  if (!dir) return;
  const log = debugLogger(dir, new Date(start));
  log(`upload run started (pid ${process.pid})`);
  try {
    await runUpload({ dir, deadline: start + DEADLINE_MS, log, env: process.env });
  } catch (e) {
    // runUpload never rejects; should it, the reason is logged and the run ends like any other.
    log(`upload run failed: ${(e as Error)?.message ?? e}`);
  }
  log(`upload run ended after ${Date.now() - start} ms`);
}

/** Appends to `<dir>/debug/upload-<YYYYMMDD>-<pid>.log` if `<dir>/debug/` is a directory; else drops. */
function debugLogger(dir: string, now: Date): (line: string) => void {
  const debug = join(dir, 'debug');
  let isDir = false;
  try {
    isDir = statSync(debug).isDirectory();
  } catch {
    // No debug folder: nothing is logged.
  }
  if (!isDir) return () => {};
  const file = join(
    debug,
    `upload-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${process.pid}.log`,
  );
  return (line) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // Logging is best effort.
    }
  };
}

main().then(
  () => process.exit(0),
  () => process.exit(0),
);

// Starting the weekly upload from a tool's own process (docs/upload.md, The background run). After open() counts
// (mode on or local), once per process and off the increment path: if the day's token
// (`<root>/upload.token`) is absent or stale and uploadDue() finds work, take the token and
// start one detached child (`dist/upload/child.cjs`) that does the upload and exits by
// itself. The host never waits for it, never sees its output, and never keeps running for it.
// Here only the everyday part: one stat of the token. The due check, the take and the spawn
// (upload-start.ts) are loaded only when that stat says work may be due: in the published
// package they are their own file, dist/counter/upload-start.cjs (upload-start-loader.ts).
import { statSync } from 'node:fs';
import { type Layout, debugLog } from '../settings/index.js';
import { loadUploadStart } from './upload-start-loader.js';
import { tokenPath, tokenState } from './upload-token.js';

export { tokenPath } from './upload-token.js';

let scheduled = false;

/**
 * Runs the check in an unref'd immediate (after open() returns, never holding the process),
 * or at exit when the process ends before that. Never throws.
 */
export function scheduleUploadCheck(dirs: Layout, now: () => Date): void {
  if (scheduled) return;
  scheduled = true;
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    process.off('exit', run);
    try {
      checkUpload(dirs, now());
    } catch {
      // The author's clock (open({ now })) threw: no upload check this time.
    }
  };
  process.once('exit', run);
  setImmediate(run).unref();
}

/** Starts a run if one is due and this process takes the token. Returns why not, or 'started'. */
export function checkUpload(dirs: Layout, now: Date): string {
  try {
    const token = tokenPath(dirs);
    // A plain stat settles the everyday case (token fresh), and the due check: the process's
    // first bigint stat costs ~0.15 ms more. Only with work due is the token looked at again,
    // as the exact version (inode, mtime in ns) to claim; another process may have taken it.
    const seen = tokenState(statSync(token, { throwIfNoEntry: false }), now.getTime());
    if (seen !== 'stale' && seen !== 'absent') return seen;
    return loadUploadStart().startIfDue(dirs, now, token);
  } catch (e) {
    debugLog(dirs, `upload: not started: ${(e as Error)?.message ?? e}`);
    return 'failed';
  }
}

/** For tests that open again in one process. */
export function resetUploadTrigger(): void {
  scheduled = false;
}

// The engine bundle's loader of the upload's rare part (scripts/build.mjs puts it in place of
// upload-start-loader.ts): dist/counter/upload-start.cjs beside the engine, or through the
// package name when a tool's bundler has inlined the engine. Loaded at most once a process, and
// only when the day's token is absent or stale: most starts never read it.
import { join } from 'node:path';
import type { UploadStart } from './upload-start-loader.js';

export type { UploadStart } from './upload-start-loader.js';

let loaded: UploadStart | undefined;

export function loadUploadStart(): UploadStart {
  loaded ??= besideOrInstalled();
  return loaded;
}

function besideOrInstalled(): UploadStart {
  try {
    // A path, not './upload-start.cjs': the file exists only in dist/, next to the engine bundle
    // whose __dirname this is (a tool's bundler that inlined the engine has its own: the package
    // name below finds it then).
    return require(join(__dirname, 'upload-start.cjs')) as UploadStart;
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') throw e;
    return require('transparent-telemetry/internal/upload-start') as UploadStart;
  }
}

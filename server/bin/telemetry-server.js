#!/usr/bin/env node
// The `telemetry-server` bin: runs the bundle `npm run build` makes (server/dist/). It is a file
// of its own, in git, so that `npm ci` links the bin even before the first build.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/telemetry-server.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    'error: telemetry-server is not built yet: run `npm run build` in the repository root\n',
  );
  process.exit(1);
}
await import(bundle.href);

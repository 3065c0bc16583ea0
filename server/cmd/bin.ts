// The `telemetry-server` bin: runs the command line it was given and sets the exit code.
import { EXIT_FAILURE } from './common.js';
import { run } from './main.js';

// A reader that stops early (`… verify-log | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) =>
  process.exit(err.code === 'EPIPE' ? 0 : EXIT_FAILURE),
);
process.exitCode = await run(process.argv.slice(2));

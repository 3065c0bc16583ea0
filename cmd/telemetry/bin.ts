// The `telemetry` bin: runs the command line it was given and sets the exit code. It always
// runs (a symlinked bin would defeat an "is this the main module" check). In the package this
// file imports the shared CLI bundle (dist/cmd/cli.js), which a tool's mounted command loads too.
import { EXIT_FAILURE, STANDALONE, run } from './main.js';

// A reader that stops early (`telemetry dump | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) =>
  process.exit(err.code === 'EPIPE' ? 0 : EXIT_FAILURE),
);
process.exitCode = await run(process.argv.slice(2), STANDALONE);

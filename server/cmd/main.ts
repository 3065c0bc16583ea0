// The vendor's commands (`telemetry-server`): keys, publishing the collection config to its
// transparency log, checking a log as a monitor would, showing the config in force as a client
// sees it, and cosigning a log's checkpoints as a witness. Every failure becomes one
// `error: …` line on stderr and an exit code: 0 ok, 1 refused or failed, 2 usage.
import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { CliError, EXIT_FAILURE, EXIT_USAGE, why } from './common.js';
import { cosignCommand } from './cosign.js';
import { importDirCommand } from './import-dir.js';
import { keygenCommand } from './keygen.js';
import { mergeCommand } from './merge.js';
import { publishCommand } from './publish.js';
import { serveCommand } from './serve.js';
import { showCommand } from './show.js';
import { verifyLogCommand } from './verify-log.js';

const EXAMPLES = `
Examples:
  $ telemetry-server keygen collector.example.com/config --out config.key > config.vkey
  $ telemetry-server publish collection-config.json --key config.key --log ./config-log
  $ telemetry-server verify-log ./config-log --key "$(cat config.vkey)"
  $ telemetry-server show ./config-log --key "$(cat config.vkey)"
  $ telemetry-server keygen witness.example.org/w1 --witness --out witness.key > witness.vkey
  $ telemetry-server cosign --log ./config-log --key "$(cat config.vkey)" --witness-key witness.key --state ./witness-state
  $ telemetry-server serve --log ./config-log --data ./telemetry-data --port 8080
  $ telemetry-server merge --data ./telemetry-data --publish raw
  $ telemetry-server import-dir --data ./old-telemetry-data

Exit codes: 0 ok, 1 refused or failed, 2 the command line was wrong.
`;

export function buildProgram(): Command {
  const program = new Command('telemetry-server')
    .description(
      'The collection server of transparent-telemetry: publish, check, show and witness its signed config; serve intake; merge and publish.',
    )
    .version(pkg.version, '-V, --version')
    .showHelpAfterError(false)
    .addHelpText('after', EXAMPLES);
  for (const c of [
    keygenCommand(),
    publishCommand(),
    verifyLogCommand(),
    showCommand(),
    cosignCommand(),
    serveCommand(),
    mergeCommand(),
    importDirCommand(),
  ])
    program.addCommand(c);
  return program;
}

/** Runs one command line; resolves to the exit code. */
export async function run(args: readonly string[]): Promise<number> {
  const program = buildProgram();
  for (const c of [program, ...program.commands]) c.exitOverride();
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.help') return e.exitCode === 0 ? 0 : EXIT_USAGE;
      return EXIT_USAGE; // commander has printed its message
    }
    process.stderr.write(`error: ${why(e)}\n`);
    return e instanceof CliError ? e.exitCode : EXIT_FAILURE;
  }
}

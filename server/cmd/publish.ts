// `telemetry-server publish <config.json> --key <file> --log <dir>`: appends a new collection
// config to the config log. The entry is the file's exact bytes, so what clients verify is what
// the vendor wrote; it must pass the strict schema first, and must differ from the config in force.
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  MAX_ENTRY_BYTES,
  appendToLog,
  parseConfig,
  readLog,
} from '../../config/index.js';
import { CliError, readRegular, verifierOf, why } from './common.js';

/** The schema's own input cap (config/schema.ts MAX_INPUT_BYTES). */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_KEY_BYTES = 4096;

const HELP = `
The log directory is created on first publish. Serve it as static files at
<collector>/config-log/ (c2sp.org/tlog-tiles paths). Refused: a config that fails the schema,
one identical to the config in force, a key file readable by others, a log not signed by the key.

Examples:
  $ telemetry-server publish collection-config.json --key config.key --log ./config-log
`;

export function publishCommand(): Command {
  return new Command('publish')
    .description('validate a collection config and append it to the signed config log')
    .argument('<config.json>', 'the collection config (JSON, at most 64 KiB to fit one log entry)')
    .requiredOption('--key <file>', 'the private key from keygen (mode 0600)')
    .requiredOption('--log <dir>', 'the config log directory')
    .addHelpText('after', HELP)
    .action((file: string, opts: { key: string; log: string }) => {
      const signer = readKey(opts.key);
      const { name, verifier } = verifierOf(signer);
      const { data } = readRegular(file, MAX_CONFIG_BYTES, 'config');
      let config;
      try {
        config = parseConfig(data);
      } catch (e) {
        if (e instanceof ConfigError) throw new CliError(`config ${file}: ${e.message}`);
        throw e;
      }
      if (data.length > MAX_ENTRY_BYTES)
        throw new CliError(
          `config ${file} is ${data.length} bytes, over the ${MAX_ENTRY_BYTES} one log entry may hold`,
        );
      const current = inForce(opts.log, verifier);
      if (current && sameConfig(current.entry, config)) {
        throw new CliError(
          `config ${file} is the config in force (entry ${current.index}); nothing to publish`,
        );
      }
      let cp;
      try {
        cp = appendToLog(opts.log, [data], signer, name);
      } catch (e) {
        throw new CliError(`cannot append to log ${opts.log}: ${why(e)}`);
      }
      process.stdout.write(`published entry ${cp.size - 1}; log size ${cp.size}\n`);
    });
}

/** The signer key text; a key file that group or others may read is refused, never used. */
function readKey(file: string): string {
  const { data, mode } = readRegular(file, MAX_KEY_BYTES, 'key file');
  if (mode & 0o077)
    throw new CliError(
      `key file ${file} has mode 0${mode.toString(8)}; others may read it: chmod 600 ${file}`,
    );
  const text = data.toString('utf8').trim();
  try {
    verifierOf(text);
  } catch (e) {
    throw new CliError(`key file ${file}: ${why(e)}`);
  }
  return text;
}

/** The newest entry of the log, verified against the key; undefined for a log not yet started. */
function inForce(dir: string, verifier: string): { index: number; entry: Uint8Array } | undefined {
  if (!existsSync(join(dir, 'checkpoint'))) return undefined;
  try {
    const log = readLog(dir, verifier);
    const index = log.checkpoint.size - 1;
    return index < 0 ? undefined : { index, entry: log.entry(index) };
  } catch (e) {
    throw new CliError(`log ${dir}: ${why(e)}`);
  }
}

/** The same config once parsed (whitespace and key order aside); an entry that no longer parses differs. */
function sameConfig(entry: Uint8Array, config: unknown): boolean {
  try {
    return JSON.stringify(parseConfig(entry)) === JSON.stringify(config);
  } catch {
    return false;
  }
}

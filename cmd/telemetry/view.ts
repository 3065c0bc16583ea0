// `telemetry view`: a local web page showing what has been counted on this machine.
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import { defaultRoot, layout } from '../../counter/dir.js';
import { PortInUseError, startViewServer } from './view-server.js';

export const DEFAULT_PORT = 4040;

interface ViewOptions {
  port: number;
  open?: boolean;
  dir?: string;
}

export function viewCommand(): Command {
  return new Command('view')
    .description('show the local count files in a web page on this machine (127.0.0.1 only)')
    .option('--port <n>', `port to listen on, 0 for any free port (default: ${DEFAULT_PORT})`, parsePort, DEFAULT_PORT)
    .option('--open', 'open the page in a browser ($BROWSER, else the system default)')
    .option('--dir <path>', 'telemetry directory to show (default: $TRANSPARENT_TELEMETRY_DIR or the user config dir)')
    .addHelpText(
      'after',
      `
The page re-reads the count files every few seconds, so it follows tools that are running.
Nothing leaves this machine: the server listens on 127.0.0.1 and the page loads nothing else.

Examples:
  $ telemetry view                  serve on http://127.0.0.1:${DEFAULT_PORT}/ until Ctrl-C
  $ telemetry view --open           also open it in a browser
  $ telemetry view --port 0         use any free port (printed on start)
  $ telemetry view --dir /tmp/tt    show another telemetry directory`,
    )
    .action(async function (this: Command, opts: ViewOptions) {
      await runView(this, opts);
    });
}

async function runView(cmd: Command, opts: ViewOptions): Promise<void> {
  const root = opts.dir ?? defaultRoot();
  if (root === null) cmd.error('error: no telemetry directory (no HOME or config dir); use --dir <path>', { exitCode: 1 });
  let server;
  try {
    server = await startViewServer({ dirs: layout(root), port: opts.port, host: '127.0.0.1' });
  } catch (e) {
    const msg = e instanceof PortInUseError ? `port ${e.port} is in use; try --port 0` : `cannot listen on 127.0.0.1:${opts.port} (${(e as Error).message})`;
    cmd.error(`error: ${msg}`, { exitCode: 1 });
  }
  console.log(`viewing ${root} at ${server.url}`);
  if (opts.open) openBrowser(server.url);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`expected a port number from 0 to 65535`);
  return n;
}

/** Best effort: a missing or failing browser is reported and the server keeps running. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): void {
  const [cmd, ...args] = browserCommand(url, env, platform);
  const warn = (why: string) => console.error(`telemetry view: could not open a browser (${why}); open ${url} yourself`);
  try {
    const child = spawn(cmd!, args, { stdio: 'ignore', detached: true });
    child.on('error', (e) => warn(`${cmd}: ${e.message}`));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) warn(`${cmd} exited with status ${code}`);
    });
    child.unref();
  } catch (e) {
    warn((e as Error).message);
  }
}

export function browserCommand(url: string, env: NodeJS.ProcessEnv, platform: string): string[] {
  // $BROWSER may carry arguments, e.g. "firefox --new-window".
  const fromEnv = env.BROWSER?.trim();
  if (fromEnv) return [...fromEnv.split(/\s+/), url];
  if (platform === 'darwin') return ['open', url];
  if (platform === 'win32') return ['cmd', '/c', 'start', url];
  return ['xdg-open', url];
}

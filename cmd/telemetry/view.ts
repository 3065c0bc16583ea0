// `telemetry view`: a local web page showing what has been counted on this machine.
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import { CliError, STANDALONE, context, dirOption, named, type Invocation } from './context.js';
import { PortInUseError, startViewServer, type ViewServer } from './view-server.js';

export const DEFAULT_PORT = 4040;

interface ViewOptions {
  port: number;
  open?: boolean;
}

export function viewCommand(inv: Invocation = STANDALONE): Command {
  return new Command('view')
    .description('show the local count files in a web page on this machine (127.0.0.1 only)')
    .option('--port <n>', 'port to listen on, 0 for any free port', parsePort, DEFAULT_PORT)
    .option('--open', 'open the page in a browser ($BROWSER, else the system default)')
    .addOption(dirOption())
    .addHelpText(
      'after',
      named(
        inv,
        `
The page re-reads the count files every few seconds, so it follows tools that are running.
Nothing leaves this machine: the server listens on 127.0.0.1 and the page loads nothing else.

Examples:
  $ telemetry view                  serve on http://127.0.0.1:${DEFAULT_PORT}/ until Ctrl-C
  $ telemetry view --open           also open it in a browser
  $ telemetry view --port 0         use any free port (printed on start)
  $ telemetry view --dir /tmp/tt    show another telemetry directory`,
      ),
    )
    .action(async function (this: Command, opts: ViewOptions) {
      await runView(this, inv, opts);
    });
}

/** Resolves once the server listens; the open server then keeps the process alive until a signal. */
async function runView(cmd: Command, inv: Invocation, opts: ViewOptions): Promise<void> {
  const ctx = context(cmd, inv);
  let server: ViewServer;
  try {
    server = await startViewServer({
      dirs: ctx.dirs,
      port: opts.port,
      host: '127.0.0.1',
      env: ctx.env,
      cwd: ctx.cwd,
    });
  } catch (e) {
    if (e instanceof PortInUseError) throw new CliError(`port ${e.port} is in use; try --port 0`);
    throw new CliError(`cannot listen on 127.0.0.1:${opts.port}: ${(e as Error).message}`);
  }
  ctx.out(`viewing ${ctx.dirs.root} at ${server.url}\n`);
  if (opts.open) openBrowser(server.url);
  // Only the bin owns its process; mounted in a tool, the tool's own signal handling applies.
  if (!inv.bin) return;
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new InvalidArgumentError(`expected a port number from 0 to 65535`);
  return n;
}

/** Best effort: a missing or failing browser is reported and the server keeps running. */
export function openBrowser(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
): void {
  const [cmd, ...args] = browserCommand(url, env, platform);
  const warn = (why: string) =>
    console.error(`telemetry view: could not open a browser (${why}); open ${url} yourself`);
  try {
    // On Windows the command line is cmd's own (see browserCommand), and no console flashes up.
    const windows = platform === 'win32' && !env.BROWSER?.trim();
    const child = spawn(cmd!, args, {
      stdio: 'ignore',
      detached: true,
      windowsHide: true,
      windowsVerbatimArguments: windows,
    });
    child.on('error', (err) => warn(`${cmd}: ${err.message}`));
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
  // `start` takes a first quoted argument as the window's title, hence the empty one; the URL is
  // quoted so that cmd reads an `&` in it as text. Our URLs never hold a double quote.
  if (platform === 'win32') return ['cmd', '/d', '/s', '/c', `start "" "${url}"`];
  return ['xdg-open', url];
}

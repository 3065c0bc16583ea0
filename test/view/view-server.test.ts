// The viewer's server and data model without a browser: what /api/data holds, that it is read
// fresh per request, and what the server refuses.
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import { CliError } from '../../cmd/telemetry/context.js';
import type { ViewData } from '../../cmd/telemetry/view-data.js';
import { startViewServer, type ViewServer } from '../../cmd/telemetry/view-server.js';
import { browserCommand, viewCommand } from '../../cmd/telemetry/view.js';
import { meta, writeCountFile } from './count-file.js';
import { BROKEN, GEN, makeTelemetryDir } from './setup.js';

let root: string;
let server: ViewServer;

beforeAll(async () => {
  root = makeTelemetryDir();
  // The page is not loaded here, so any folder serves as assets; the test's own is at hand.
  server = await startViewServer({
    dirs: layout(root),
    port: 0,
    assets: join(import.meta.dirname, '..', '..', 'cmd', 'telemetry', 'view'),
    env: {},
    cwd: root,
  });
});

afterAll(() => server?.close());

async function data(): Promise<ViewData> {
  return (await fetch(`${server.url}api/data`)).json() as Promise<ViewData>;
}

function get(
  path: string,
  host: string,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, headers: { host } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('telemetry view server', () => {
  it('listens on 127.0.0.1 and a free port when asked for port 0', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('reports programs, weeks, files, exact values, read errors and modes', async () => {
    const d = await data();
    expect(d.programs.map((program) => program.program)).toEqual([GEN, 'mytool']);
    expect(d.weeks).toEqual(['2026-11-26', '2026-12-03']);
    expect(d.programs[1]!.versions).toEqual(['1.2.0', '1.3.0']);
    const go = d.files.find((file) => file.week === '2026-11-26' && file.program === GEN)!;
    expect(go.runtime).toBe('go1.23.5');
    expect(go.counters.find((counter) => counter.name === 'gen/saturated')!.value).toBe(
      '18446744073709551615',
    );
    expect(d.errors).toEqual([
      { file: BROKEN, reason: 'not a count file (it does not start with the v1 header)' },
    ]);
    expect(d.machine.mode).toBe('on');
    expect(d.machine.reason).toBe(`machine-wide choice: ${join(root, 'mode')} since 2026-11-20`);
    expect(d.programs[1]!.mode).toEqual({
      mode: 'off',
      reason: `this program's choice: ${join(root, 'program-modes.json')} since 2026-11-21`,
      notes: [],
    });
  });

  it('reads the files again on every request', async () => {
    const file = join(root, 'local', 'late@1.0.0-node20-linux-x64-2026-12-03.v1.count');
    writeCountFile(file, meta('late', '1.0.0', '2026-11-26', '2026-12-03'), [['late/run', 1n]]);
    expect((await data()).programs.map((program) => program.program)).toContain('late');
  });

  it('lowers the mode for an opt-out in the environment and says which', async () => {
    const other = await startViewServer({
      dirs: layout(root),
      port: 0,
      env: { DO_NOT_TRACK: '1' },
      cwd: root,
    });
    try {
      const d = (await (await fetch(`${other.url}api/data`)).json()) as ViewData;
      expect(d.machine).toMatchObject({ mode: 'off', reason: 'environment: DO_NOT_TRACK=1' });
    } finally {
      await other.close();
    }
  });

  it('serves the page with a same-origin-only policy and nothing else', async () => {
    const page = await get('/', `127.0.0.1:${server.port}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await get('/../package.json', `127.0.0.1:${server.port}`)).status).toBe(404);
    expect((await get('/counter/read.ts', `localhost:${server.port}`)).status).toBe(404);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    expect((await get('/api/data', `evil.example:${server.port}`)).status).toBe(403);
  });
});

describe('telemetry view command', () => {
  it('fails with a clear error when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    const program = new Command('telemetry').enablePositionalOptions().exitOverride();
    program.addCommand(viewCommand().exitOverride());
    try {
      const run = program.parseAsync(['view', '--port', String(port), '--dir', root], {
        from: 'user',
      });
      await expect(run).rejects.toThrow(new CliError(`port ${port} is in use; try --port 0`));
    } finally {
      taken.close();
    }
  });

  it('opens $BROWSER (with its arguments) before the system opener', () => {
    expect(
      browserCommand('http://127.0.0.1:1/', { BROWSER: 'firefox --new-window' }, 'linux'),
    ).toEqual(['firefox', '--new-window', 'http://127.0.0.1:1/']);
    expect(browserCommand('http://127.0.0.1:1/', {}, 'linux')).toEqual([
      'xdg-open',
      'http://127.0.0.1:1/',
    ]);
    expect(browserCommand('http://127.0.0.1:1/', {}, 'darwin')).toEqual([
      'open',
      'http://127.0.0.1:1/',
    ]);
    // Windows: cmd's start, with an empty title, and the URL quoted so an & in it stays text.
    const onWindows = browserCommand('http://127.0.0.1:1/?a=1&b=2', {}, 'win32');
    expect(onWindows).toEqual(['cmd', '/d', '/s', '/c', 'start "" "http://127.0.0.1:1/?a=1&b=2"']);
  });
});

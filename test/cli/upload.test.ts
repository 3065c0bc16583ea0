// `telemetry upload`, `telemetry preview` and the collectors in `telemetry status`, run as a user
// would (the bundled CLI in a child process) against a real collector on 127.0.0.1: preview's
// bytes are the POST body byte for byte, and preview sends nothing.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor, startCollector, type TestCollector } from '../upload/collector.js';
import { declare, setMode, writeCountFile } from '../upload/fixture.js';
import { buildCli, cleanEnv, tempDir, TODAY } from './helpers.js';

let cli = '';
let c: TestCollector;
beforeAll(async () => {
  cli = await buildCli();
  c = await startCollector('cli');
  c.publish(configFor(['tool']));
}, 60_000);
afterAll(() => c.close());

/** Async: the collector answers from this process's event loop. */
function telemetry(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: cleanEnv({ HOME: tempDir('tt-home-'), TRANSPARENT_TELEMETRY_DIR: dir, ...env }),
    cwd: dir,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function setup(): string {
  const dir = tempDir('tt-cli-upload-');
  setMode(dir, 'tool', 'on', '2026-11-01');
  declare(dir, 'tool', { url: c.url, key: c.key });
  writeCountFile(dir, {
    program: 'tool',
    begin: '2026-11-12',
    end: '2026-11-19',
    counts: { 'tool/known': 4, 'tool/secret-ish': 1 },
  });
  return dir;
}

describe('telemetry preview and upload', () => {
  it('preview shows the exact bytes upload then sends, and sends nothing itself', async () => {
    c.posts.length = 0;
    const dir = setup();
    const offline = await telemetry(dir, ['preview', '--offline', '--json']);
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout).summary.waiting).toMatchObject([{ week: '2026-11-19' }]);
    c.gets.length = 0;
    const p = await telemetry(dir, ['preview', '--json']);
    expect(p.code).toBe(0);
    const preview = JSON.parse(p.stdout);
    expect(c.posts).toEqual([]);
    expect(c.gets.length).toBeGreaterThan(0); // the config was verified
    const [report] = preview.collectors[0].reports;
    expect(report.week).toBe('2026-11-19');
    expect(report.omitted).toContainEqual({
      program: 'tool',
      counter: 'tool/secret-ish',
      reason: 'not in the config',
    });
    const text = await telemetry(dir, ['preview']);
    expect(text.stdout).toContain(report.bytes);
    expect(text.stdout).toContain('tool/secret-ish: not in the config');

    const u = await telemetry(dir, ['upload', '--json']);
    expect(u.code).toBe(0);
    expect(JSON.parse(u.stdout).sent).toMatchObject([{ week: '2026-11-19', status: 200 }]);
    expect(c.posts).toHaveLength(1);
    expect(c.posts[0]!.body.toString('utf8')).toBe(report.bytes);

    const st = JSON.parse((await telemetry(dir, ['status', '--json'])).stdout);
    expect(st.collectors).toMatchObject([
      {
        url: c.url,
        lastUpload: { week: '2026-11-19', day: TODAY, status: 200 },
        lastConfig: { ok: true, config: 'v0' },
        pending: [],
      },
    ]);
    const human = (await telemetry(dir, ['status'])).stdout;
    expect(human).toContain(
      `last upload: week 2026-11-19, sent ${TODAY} (http 200); what it held: ${st.collectors[0].lastUpload.file}`,
    );
    expect(human).toContain('last config check: 2026-11-23, verified, config v0');
  }, 60_000);

  it('upload exits 1 when the collector refuses, and says why', async () => {
    c.posts.length = 0;
    const dir = setup();
    c.answer = () => 400;
    try {
      const u = await telemetry(dir, ['upload']);
      expect(u.code).toBe(1);
      expect(u.stdout).toMatch(
        /dropped\s+2026-11-19 for .*the collector refused it: http status 400/,
      );
      const st = JSON.parse((await telemetry(dir, ['status', '--json'])).stdout);
      expect(st.collectors[0].dropped).toMatchObject([
        { week: '2026-11-19', code: 'refused', status: 400 },
      ]);
    } finally {
      c.answer = () => 200;
    }
  }, 60_000);

  it('a refusal text reaches upload and status without C1 controls or bidi overrides', async () => {
    const dir = setup();
    c.respond = (_week, res) =>
      void res.writeHead(400).end('no \u009b2J\u202eeulav\u202c \u2067x\u2069 \u0085end');
    try {
      const u = await telemetry(dir, ['upload']);
      expect(u.code).toBe(1);
      expect(u.stdout).toContain('the collector refused it: http status 400: no 2J eulav x end');
      const human = (await telemetry(dir, ['status'])).stdout;
      expect(human).toContain('the collector refused it: http status 400: no 2J eulav x end');
      for (const out of [u.stdout, u.stderr, human])
        expect(out).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
    } finally {
      c.respond = null;
    }
  }, 60_000);

  it('upload --help names its one overall deadline', async () => {
    const h = await telemetry(tempDir(), ['upload', '--help']);
    expect(h.stdout).toContain('The whole run gives up after 30 s');
  });

  it("--program sends only that program's reports; the others wait", async () => {
    const other = await startCollector('other', 11);
    try {
      other.publish(configFor(['two']));
      c.posts.length = 0;
      c.gets.length = 0;
      const dir = setup();
      setMode(dir, 'two', 'on', '2026-11-01');
      declare(dir, 'two', { url: other.url, key: other.key });
      writeCountFile(dir, {
        program: 'two',
        begin: '2026-11-12',
        end: '2026-11-19',
        counts: { 'two/known': 1 },
      });
      const u = await telemetry(dir, ['upload', '--program', 'two', '--json']);
      expect(u.code).toBe(0);
      expect(other.posts.map((post) => post.week)).toEqual(['2026-11-19']);
      expect(c.posts).toEqual([]);
      expect(c.gets).not.toContain('/cli/config-log/checkpoint');
      await telemetry(dir, ['upload']);
      expect(c.posts.map((post) => post.week)).toEqual(['2026-11-19']);
      expect(other.posts).toHaveLength(1);
    } finally {
      await other.close();
    }
  }, 60_000);

  it('status shows a declared collector from the first run, before any preview or upload', async () => {
    const dir = setup();
    const st = JSON.parse((await telemetry(dir, ['status', '--json'])).stdout);
    expect(st.collectors).toMatchObject([
      { url: `${c.url}`, declaredBy: ['tool'], lastUpload: null, lastConfig: null, pending: [] },
    ]);
    const human = (await telemetry(dir, ['status'])).stdout;
    expect(human).toContain(`${c.url}\n    named by: tool\n    last upload: none yet`);
  });

  it('upload and preview name the opt-out that silenced a program', async () => {
    c.gets.length = 0;
    const cases: Array<[NodeJS.ProcessEnv, (dir: string) => void, RegExp]> = [
      [
        { DO_NOT_TRACK: '1' },
        () => undefined,
        /tool sends nothing: it is off because of environment variable DO_NOT_TRACK=1/,
      ],
      [
        { TOOL_TELEMETRY_DISABLED: '1' },
        () => undefined,
        /tool sends nothing: it is off because of environment variable TOOL_TELEMETRY_DISABLED=1/,
      ],
      [
        {},
        (dir) => setMode(dir, 'tool', 'off', '2026-11-20'),
        /tool sends nothing: it is off because of the per-program choice in .*, set 2026-11-20/,
      ],
      [
        {},
        (dir) => setMode(dir, 'tool', 'local', '2026-11-20'),
        /tool sends nothing: it is local because of the per-program choice/,
      ],
    ];
    for (const [env, change, want] of cases) {
      const dir = setup();
      change(dir);
      const u = await telemetry(dir, ['upload'], env);
      expect(u.code, u.stderr).toBe(0);
      expect(u.stdout).toContain('nothing to send');
      expect(u.stdout).toMatch(want);
      const p = await telemetry(dir, ['preview'], env);
      expect(p.stdout).toMatch(want);
    }
    expect(c.gets).toEqual([]);
  }, 60_000);

  it('upload names a machine-wide opt-out even when no program names a collector', async () => {
    const u = await telemetry(tempDir('tt-cli-upload-'), ['upload'], { DO_NOT_TRACK: 'yes' });
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('nothing to send');
    expect(u.stdout).toContain(
      '(environment variable DO_NOT_TRACK=yes makes every program off here)',
    );
  });

  it('nothing to do: exit 0, no request', async () => {
    c.gets.length = 0;
    const dir = tempDir('tt-cli-upload-');
    const u = await telemetry(dir, ['upload']);
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('nothing to send');
    expect(c.gets).toEqual([]);
  });
});

// A crash stack travels like any stack counter: a process that died of an uncaught exception
// left it in its count file; the collection config lists `cr/crash:exception` as a stack;
// `preview` shows it, the uploader sends it, and the real `telemetry-server serve` validates the
// report against the same config and stores it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/index.js';
import { decodeReport, runPhases, runUpload } from '../../upload/index.js';
import { cleanEnv, runFixture, tempDir } from '../helpers.js';
import { declare, setMode } from '../upload/fixture.js';
import { day, makeKeyedLog, serve } from './serve-helpers.js';

const CONFIG = {
  GOOS: ['linux', 'darwin', 'win32'],
  GOARCH: ['x64', 'arm64'],
  GoVersion: ['node>=20'],
  SampleRate: 1,
  Programs: [
    {
      Name: 'cr',
      Versions: ['1.0.0'],
      Counters: [],
      Stacks: [{ Name: 'cr/crash:exception', Rate: 1, Depth: 8 }],
    },
  ],
};
const STACK = 'cr/crash:exception\ntransparent-telemetry/test/fixtures/crash.Timeout.explode:+1';

describe('crash stacks, from a crashed process to the server', () => {
  it('are previewed, sent and stored when the config lists them; the unlisted prefix is left out', async () => {
    const log = makeKeyedLog([CONFIG]);
    const data = tempDir('tt-crash-data-');
    const s = await serve(['--log', log.dir, '--data', data]);
    try {
      const root = tempDir('tt-crash-');
      setMode(root, 'cr', 'on', day(-60));
      // A week that ended yesterday: due for upload today.
      const r = runFixture('crash.mjs', {
        program: 'cr',
        dir: root,
        crashes: true,
        how: 'throw',
        now: `${day(-8)}T12:00:00Z`,
      });
      expect(r.status, r.stderr).toBe(1);
      // After the run: a tool that opens without a collector removes its declaration.
      declare(root, 'cr', { url: s.url, key: log.verifier });
      const env = cleanEnv();

      const preview = await runPhases(
        { dir: root, env },
        { build: true, network: true, send: false, clean: false },
      );
      expect(preview.errors).toEqual([]);
      expect(preview.built, JSON.stringify(preview)).toHaveLength(1);
      const previewed = decodeReport(readFileSync(preview.built[0]!.file, 'utf8'));
      expect(previewed.Programs![0]!.Stacks).toEqual({ [STACK]: 1 });
      const upload = await runUpload({ dir: root, env });
      expect(upload.errors).toEqual([]);
      expect(upload.sent).toHaveLength(1);
    } finally {
      expect(await s.stop()).toBe(0);
    }
    expect(s.stderr()).toMatch(/"route":"\/upload\/:week","status":200,.*"reason":"stored"/);
    const store = await openSqliteStore(data);
    const bodies: string[] = [];
    for (const d of await store.unmergedDays())
      for await (const x of store.reportsOf(d)) bodies.push(x.body);
    await store.close();
    expect(bodies).toHaveLength(1);
    const stored = decodeReport(bodies[0]!);
    expect(stored.Programs).toHaveLength(1);
    expect(stored.Programs![0]!.Stacks).toEqual({ [STACK]: 1 });
  });
});

// The SQLite store on every Node the server supports: the built `telemetry-server serve` run by
// the official Node 22 and 24 binaries (scripts/ensure-node-versions.mjs installs them under
// test-output/nodes/<major>/, linux/x64 only) stores a report, stops on SIGTERM, and the store
// holds it; the binding (@photostructure/sqlite, prebuilt) loads on each without a build.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { BIN, day, makeLog, report, upload } from './serve-helpers.js';
import { installedNode } from '../../scripts/installed-node.mjs';

const MAJORS = ['22', '24'];
const SUPPORTED = process.platform === 'linux' && process.arch === 'x64';

/** `serve` under `node`; resolves with its URL and a stop that resolves with the exit code. */
function serveWith(node: string, args: string[]) {
  const proc = spawn(node, [BIN, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  let err = '';
  proc.stderr.on('data', (chunk) => (err += chunk));
  return new Promise<{ url: string; stop: () => Promise<number | null> }>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^listening on (\S+)\n/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => (proc.kill('SIGTERM'), exited) });
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

for (const major of MAJORS) {
  const node = installedNode(major);
  const skip = !existsSync(node) && !(SUPPORTED && process.env.CI);
  if (skip)
    console.warn(`skipped: ${node} is missing (scripts/ensure-node-versions.mjs installs it)`);
  describe.skipIf(skip)(`the SQLite store on Node ${major}`, () => {
    it('stores a report durably and knows it after a restart', async () => {
      const data = tempDir('tt-node-store-');
      const log = makeLog();
      const week = day(-2);
      const s = await serveWith(node, ['--log', log, '--data', data]);
      expect((await upload(s.url, week, report(week, '0.5'))).json).toEqual({ status: 'stored' });
      expect(await s.stop()).toBe(0);
      const again = await serveWith(node, ['--log', log, '--data', data]);
      expect((await upload(again.url, week, report(week, '0.5'))).json).toEqual({
        status: 'duplicate',
      });
      expect(await again.stop()).toBe(0);
      const store = await openSqliteStore(data); // and Node 20 reads what they wrote
      const got = [];
      for await (const r of store.reportsOf(new Date().toISOString().slice(0, 10)))
        got.push(r.body);
      await store.close();
      expect(got).toEqual([report(week, '0.5')]);
    });
  });
}

// The vendor's rule: the collection server installs from its packed tarball with a plain
// `npm install <tarball>` into an empty folder (no flags, no build step), on a Node it supports
// (22 or later: its SQLite binding requires it), and `npx telemetry-server` then makes keys,
// publishes a config, serves and merges. Node 22 comes from scripts/ensure-node-versions.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, tempDir } from '../helpers.js';
import { installedNode } from '../../scripts/installed-node.mjs';

const work = tempDir('tt-server-consumer-');
const vendor = join(work, 'vendor');
let install: ReturnType<typeof spawnSync>;
let tarball: string;

const node22 = installedNode(22);
// npm, npx and the server's `#!/usr/bin/env node` all find Node 22 first on PATH.
const env = (extra: Record<string, string> = {}) =>
  cleanEnv({ ...extra, PATH: `${dirname(node22)}${delimiter}${process.env.PATH ?? ''}` });
const npx = (...args: string[]) =>
  spawnSync('npx', ['--no-install', 'telemetry-server', ...args], {
    cwd: vendor,
    encoding: 'utf8',
    env: env({ NO_COLOR: '1' }),
    timeout: 60_000,
  });
const skip = !existsSync(node22) ? `skipped: no Node 22 at ${node22} (linux/x64 only)` : '';

beforeAll(() => {
  if (skip) return;
  // npm test has built server/dist/ already; prepack would rebuild dist/ (rm -rf) under the
  // other files running beside this one.
  const pack = spawnSync(
    'npm',
    ['pack', '-w', 'server', '--ignore-scripts', '--pack-destination', work],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(pack.status, pack.stderr).toBe(0);
  tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
  spawnSync('mkdir', [vendor]);
  writeFileSync(
    join(vendor, 'package.json'),
    JSON.stringify({ name: 'acme-collector', version: '1.0.0', private: true }),
  );
  install = spawnSync('npm', ['install', '--no-audit', '--no-fund', join(work, tarball)], {
    cwd: vendor,
    encoding: 'utf8',
    env: env(),
  });
}, 240_000);

describe.skipIf(skip)(
  `telemetry-server installed from its tarball into an empty folder${skip ? ` (${skip})` : ''}`,
  () => {
    it('installs on Node 22 without errors or engine warnings, and is not private', () => {
      expect(install.status, String(install.stderr)).toBe(0);
      expect(String(install.stderr)).not.toMatch(/npm error|EBADENGINE/);
      const pkg = JSON.parse(
        readFileSync(join(vendor, 'node_modules', 'telemetry-server', 'package.json'), 'utf8'),
      );
      expect(pkg.private).toBeUndefined();
      expect(pkg.license).toBe('BSD-3-Clause');
      const list = spawnSync('tar', ['-tzf', join(work, tarball)], {
        encoding: 'utf8',
      }).stdout.split('\n');
      expect(list).toEqual(
        expect.arrayContaining([
          'package/README.md',
          'package/LICENSE',
          'package/dist/telemetry-server.js',
          'package/bin/telemetry-server.js',
          'package/examples/telemetry-server.service',
          'package/examples/nginx.conf',
        ]),
      );
    });

    it('runs --help, keygen and publish', () => {
      const help = npx('--help');
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toContain('Usage: telemetry-server');
      const key = npx('keygen', 'collector.example.com/config', '--out', 'config.key');
      expect(key.status, key.stderr).toBe(0);
      copyFileSync(
        join(ROOT, 'examples', 'collection-config.json'),
        join(vendor, 'collection-config.json'),
      );
      const pub = npx(
        'publish',
        'collection-config.json',
        '--key',
        'config.key',
        '--log',
        'config-log',
      );
      expect(pub.status, pub.stderr).toBe(0);
    });

    it('serves (healthz, the privacy page) until Ctrl-C, then lets go of its store', async () => {
      // Its own process group, as in a terminal: Ctrl-C signals npx and the server alike.
      const proc = spawn(
        'npx',
        [
          '--no-install',
          'telemetry-server',
          'serve',
          '--log',
          'config-log',
          '--data',
          'data',
          '--port',
          '0',
          '--publish',
          'aggregates',
        ],
        {
          cwd: vendor,
          env: env({ NO_COLOR: '1' }),
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      );
      // 'close': every holder of the pipes has exited, the server (npx's child) too.
      const exited = new Promise<number | null>((resolve) => proc.on('close', resolve));
      let err = '';
      proc.stderr.on('data', (chunk) => (err += chunk));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        proc.stdout.on('data', (chunk) => {
          out += chunk;
          const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
          if (m) resolve(m[1]!);
        });
        void exited.then((code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      try {
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
        const privacy = await (await fetch(`${url}/privacy`)).text();
        expect(privacy).toContain('differentially private');
      } finally {
        process.kill(-proc.pid!, 'SIGINT');
      }
      await exited;
    });

    it('merges (the server has closed its store: the store lock is free)', () => {
      const merged = npx('merge', '--data', 'data', '--publish', 'aggregates');
      expect(merged.status, merged.stderr).toBe(0);
      expect(merged.stdout).toMatch(/^merged 0 days, 0 reports/);
    });
  },
);

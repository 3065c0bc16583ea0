// The run's deadline: a collector that accepts connections and never answers (a blackhole) holds
// a run no longer than its deadline, for the config fetch and for the POST alike; what was not
// done is kept for a later run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../counter/settings/index.js';
import { collectorId, collectorPaths, encodeReport, runUpload } from '../../upload/index.js';
import { cleanEnv, tempDir } from '../helpers.js';
import { declare, setMode, writeCountFile } from './fixture.js';

let hole: Server;
let url = '';
const sockets: { destroy(): void }[] = [];
beforeAll(async () => {
  hole = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(hole.address() as AddressInfo).port}/h`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => hole.close(resolve));
});

const KEY = 'collector.test/h+5d69cecd+AW56HN0psLeP0Tr0xVmP7/TvKpcWbjym8uT7/M2AUFvx';

function dirWithWeek(): string {
  const root = tempDir('tt-deadline-');
  setMode(root, 'tool', 'on', '2026-11-01');
  declare(root, 'tool', { url, key: KEY });
  writeCountFile(root, {
    program: 'tool',
    begin: '2026-11-10',
    end: '2026-11-17',
    counts: { 'tool/known': 1 },
  });
  return root;
}

describe('deadline', () => {
  it('a blackholed config fetch ends at the deadline', async () => {
    const start = Date.now();
    const s = await runUpload({
      dir: dirWithWeek(),
      now: new Date('2026-11-20T09:00:00Z'),
      env: cleanEnv(),
      deadline: start + 800,
    });
    expect(s.configs).toMatchObject([{ ok: false, code: 'ETIMEOUT' }]);
    expect(s.retry).toMatchObject([{ week: '2026-11-17' }]);
  });

  it('a blackholed POST ends at the deadline; the report waits for the next run', async () => {
    const root = dirWithWeek();
    const p = collectorPaths(layout(root), collectorId({ url, key: KEY }));
    mkdirSync(p.dir, { recursive: true });
    // Built by an earlier run (the config no longer needs fetching): only the POST is left.
    const bytes = encodeReport({
      Week: '2026-11-17',
      LastWeek: '',
      X: 0.5,
      Config: 'v0',
      Programs: [
        {
          Program: 'tool',
          Version: '1.0.0',
          GoVersion: 'node20.20.2',
          GOOS: 'linux',
          GOARCH: 'x64',
          Counters: { 'tool/known': 1 },
          Stacks: {},
        },
      ],
    });
    writeFileSync(p.pending('2026-11-17'), bytes);
    const start = Date.now();
    const s = await runUpload({
      dir: root,
      now: new Date('2026-11-20T09:00:00Z'),
      env: cleanEnv(),
      deadline: start + 800,
    });
    expect(s.sent).toEqual([]);
    expect(s.retry).toMatchObject([{ week: '2026-11-17' }]);
    expect(s.retry[0]!.reason).toMatch(/no answer within \d+ ms/);
  });
});

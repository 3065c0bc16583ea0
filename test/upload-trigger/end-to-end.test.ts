// From a tool's open() to the collector: a host opened with a collector served on 127.0.0.1
// (a signed config log, config's appendToLog), mode on, a finished week → the background run
// it starts POSTs that week exactly once; and a collector that never answers does not hold
// the host, whose run goes on after it has exited.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor, startCollector, type TestCollector } from '../upload/collector.js';
import { setMode, writeCountFile } from '../upload/fixture.js';
import {
  DAY,
  childLogs,
  hostsThatStarted,
  quiet,
  runHost,
  settledChildLogs,
  telemetryDir,
  waitFor,
} from './harness.js';

const PROGRAM = 'e2e-tool';
const day = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

/** A telemetry directory, mode on since a month ago, holding a week that ended three days ago. */
function finishedWeek(): string {
  const dir = telemetryDir();
  setMode(dir, null, 'on', day(-30));
  writeCountFile(dir, {
    program: PROGRAM,
    begin: day(-10),
    end: day(-3),
    counts: { [`${PROGRAM}/known`]: 7 },
  });
  return dir;
}

let c: TestCollector;
beforeAll(async () => {
  c = await startCollector('e2e');
  c.publish(configFor([PROGRAM]));
});
afterAll(() => c.close());

describe('open() with a collector, end to end', () => {
  it('the week that ended reaches the collector exactly once', async () => {
    const dir = finishedWeek();
    const collector = { url: c.url, key: c.key };
    const first = await runHost(dir, { program: PROGRAM, collector });
    expect(JSON.parse(first.stdout.split('\n')[0]!).mode).toBe('on');
    await c.untilPosts(1);
    const [log] = await settledChildLogs(dir, 1);
    expect(log).toMatch(/upload run ended/);
    // More hosts the same day: the token holds, nothing more is sent.
    await Promise.all([
      runHost(dir, { program: PROGRAM, collector }),
      runHost(dir, { program: PROGRAM, collector }),
    ]);
    await quiet(dir); // the hosts have exited: any run they started exists, and now has ended
    expect(hostsThatStarted(dir)).toBe(1);
    expect(c.posts.map((post) => post.path)).toEqual([`/e2e/upload/${day(-3)}`]);
    expect(JSON.parse(c.posts[0]!.body.toString('utf8')).Programs[0].Counters).toEqual({
      [`${PROGRAM}/known`]: 7,
    });
  });

  it('a collector that never answers: the host exits at once, its run still going', async () => {
    const held: Socket[] = [];
    const blackhole = createServer((socket) => void held.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as AddressInfo).port;
    let pid = 0;
    try {
      const dir = finishedWeek();
      const r = await runHost(dir, {
        program: PROGRAM,
        collector: { url: `http://127.0.0.1:${port}/x`, key: c.key },
      });
      expect(r.code).toBe(0);
      // The host is gone; its run has started and is waiting on the collector.
      const [log] = await waitFor(
        () => childLogs(dir),
        (logs) => logs.length === 1 && held.length > 0,
      );
      pid = Number(/upload run started \(pid (\d+)\)/.exec(log!)![1]);
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(log).not.toMatch(/upload run ended/);
      // It runs at the lowest CPU priority (nice 19): field 19 of /proc/<pid>/stat, on Linux.
      if (process.platform === 'linux')
        expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]).toBe('19');
    } finally {
      if (pid) process.kill(pid, 'SIGKILL');
      for (const s of held) s.destroy();
      blackhole.close();
    }
  });
});

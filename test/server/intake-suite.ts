// The intake suite, run against each store (intake-sqlite, intake-postgres): the built server as a
// real process, real HTTP on 127.0.0.1. Every refusal is a 400 problem document naming the field
// and the reason, and in the end the store holds exactly the reports that were answered 200.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalBody } from '../../server/serve/index.js';
import type { Store } from '../../server/store/index.js';
import {
  CONFIG,
  type Served,
  day,
  makeLog,
  post,
  program,
  report,
  serve,
  upload,
} from './serve-helpers.js';

export interface IntakeTarget {
  /** serve's store flags (`--data d` or `--database url`). */
  flags: () => Promise<string[]>;
  /** Opens the store the server used, once it has stopped. */
  open: () => Promise<Store>;
}

import { intakeLimits } from './intake-limits.js';
import { type IntakeContext, week, x } from './intake-context.js';
import { intakeRefusals } from './intake-refusals.js';

export function intakeSuite(name: string, target: IntakeTarget, skip = false): void {
  describe.skipIf(skip)(`intake (${name} store)`, () => {
    let s: Served;
    const stored = new Set<string>();
    const ok = async (week: string, body: string): Promise<void> => {
      const r = await upload(s.url, week, body);
      expect(r.status, r.body).toBe(200);
      expect(r.json).toEqual({ status: 'stored' });
      stored.add(canonicalBody(body)); // what the store keeps: Go's json.Marshal (canonical.test.ts)
    };
    const refused = async (
      code: string,
      field: string,
      reason: RegExp,
      week: string,
      body: string | Uint8Array,
      type?: string | null,
    ) => {
      const r = await upload(s.url, week, body, type);
      expect(r.status, r.body).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.json).toMatchObject({ type: 'about:blank', status: 400, code, field });
      expect(String(r.json!.detail)).toMatch(reason);
    };

    beforeAll(async () => {
      const logDir = makeLog([
        { ...CONFIG, Programs: [{ ...CONFIG.Programs[0], Versions: ['1.0.0'] }] },
        CONFIG,
      ]);
      s = await serve(['--log', logDir, ...(await target.flags())]);
    });
    afterAll(async () => {
      if (s.proc.exitCode === null) await s.stop();
    });

    it('accepts a valid report (200 once durable); a repeat answers 200 and stores nothing new', async () => {
      await ok(week, report(week, x(1)));
      const again = await upload(s.url, week, report(week, x(1)));
      expect(again.status).toBe(200);
      expect(again.json).toEqual({ status: 'duplicate' });
      await ok(week, report(week, x(2), null)); // Programs null: valid, as from Go
      await ok(
        week,
        report(week, '1', [
          program({
            Counters: { 'demo-tool/flag:twice': 18446744073709551615n.toString() },
            Stacks: null,
          }),
        ]).replace('"18446744073709551615"', '18446744073709551615'),
      );
      await ok(day(-21), report(day(-21), x(3))); // the oldest week in the window
      await ok(
        day(0),
        report(day(0), x(4), [
          program({
            Stacks: { 'demo-tool/error\ndemo-tool/main.run:+12\ndemo-tool/lib/run.main:+3': 1 },
          }),
        ]),
      );
    });

    it('a different report with the same Week and X is refused (replay)', async () => {
      await refused(
        'conflict',
        '/X',
        /another report with Week/,
        week,
        report(week, x(1), [program({ Counters: { 'demo-tool/invocations': 4 } })]),
      );
    });
    const intake: IntakeContext = {
      get s() {
        return s;
      },
      stored,
      ok,
      refused,
    };
    // Their cases run here, in order: the last case below checks the store against `stored`.
    intakeRefusals(intake);
    intakeLimits(intake);

    it('overload and other routes never answer a 4xx an uploader would take as "drop it"', async () => {
      const r = await post(s.url, '/nowhere', '{}');
      expect(r.status).toBe(404);
      const h = await fetch(`${s.url}/healthz`);
      expect(h.status).toBe(200);
    });

    it('logs one JSON line per request with no address or header, then stores exactly what got 200', async () => {
      expect(await s.stop()).toBe(0);
      const lines = s
        .stderr()
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      const requests = lines.filter((line) => line.route);
      expect(requests.length).toBeGreaterThan(40);
      for (const l of requests)
        expect(Object.keys(l).sort()).toEqual(
          expect.arrayContaining(['method', 'ms', 'route', 'status', 'time']),
        );
      expect(s.stderr()).not.toMatch(/127\.0\.0\.1|user-agent|content-type/i);
      expect(
        requests
          .filter((request) => request.status === 400)
          .every((request) => typeof request.reason === 'string'),
      ).toBe(true);
      const store = await target.open();
      const got = new Set<string>();
      for (const d of await store.unmergedDays())
        for await (const r of store.reportsOf(d)) got.add(r.body);
      await store.close();
      expect(got).toEqual(stored);
    });
  });
}

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

const week = day(-3);
const x = (n: number): string => `0.${String(n).padStart(4, '0')}1`;

export function intakeSuite(name: string, target: IntakeTarget, skip = false): void {
  describe.skipIf(skip)(`intake (${name} store)`, () => {
    let s: Served;
    const stored = new Set<string>();
    const ok = async (w: string, body: string): Promise<void> => {
      const r = await upload(s.url, w, body);
      expect(r.status, r.body).toBe(200);
      expect(r.json).toEqual({ status: 'stored' });
      stored.add(canonicalBody(body)); // what the store keeps: Go's json.Marshal (canonical.test.ts)
    };
    const refused = async (
      code: string,
      field: string,
      reason: RegExp,
      w: string,
      body: string | Uint8Array,
      type?: string | null,
    ) => {
      const r = await upload(s.url, w, body, type);
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

    it('refuses malformed, oversized and non-JSON bodies', async () => {
      await refused('malformed', '', /not JSON/, week, '{"Week":');
      await refused('malformed', '', /not JSON/, week, report(week, x(5)) + 'x');
      await refused(
        'malformed',
        '',
        /repeated key "X"/,
        week,
        report(week, x(5)).replace('"X":', '"X":0.3,"X":'),
      );
      await refused('malformed', '', /not JSON/, week, '\ufeff' + report(week, x(5)));
      await refused('encoding', '', /UTF-8/, week, new Uint8Array([0x7b, 0xff, 0x7d]));
      await refused(
        'media-type',
        'Content-Type',
        /not application\/json/,
        week,
        report(week, x(5)),
        'text/plain',
      );
      await refused(
        'media-type',
        'Content-Type',
        /not application\/json/,
        week,
        report(week, x(5)),
        null,
      );
      const big = report(week, x(5), [
        program({ Counters: { 'demo-tool/invocations': 1, pad: 1 } }),
      ]).replace('"pad"', `"${'p'.repeat(100 * 1024)}"`);
      await refused('too-large', '', /larger than 102400 bytes/, week, big);
    });

    it('stores what was validated: a padded body as its small canonical form; whitespace alone is a duplicate', async () => {
      const canonical = report(week, x(7), [
        program({ Counters: { 'demo-tool/invocations': 2, 'demo-tool/flag:shout': 1 } }),
      ]);
      // Go's order of the map keys, no whitespace; the padding (a newline is two bytes stored as JSON) is gone.
      const sent = canonical.replace(
        '"demo-tool/invocations":2,"demo-tool/flag:shout":1',
        '"demo-tool/invocations" : 2 ,\t"demo-tool/flag:shout":1',
      );
      const padded = `${sent.replace('{', `{${'\n'.repeat(100 * 1024 - sent.length - 1)}`)}`;
      const first = await upload(s.url, week, padded);
      expect(first.status, first.body).toBe(200);
      expect(first.json).toEqual({ status: 'stored' });
      stored.add(
        canonical.replace(
          '"demo-tool/invocations":2,"demo-tool/flag:shout":1',
          '"demo-tool/flag:shout":1,"demo-tool/invocations":2',
        ),
      );
      for (const again of [
        sent,
        sent.replace(/,/g, ' , '),
        canonical,
        canonical.replace(`"X":${x(7)}`, `"X":${x(7)}0`),
      ]) {
        const r = await upload(s.url, week, again);
        expect(r.status, r.body).toBe(200);
        expect(r.json).toEqual({ status: 'duplicate' }); // X 0.00071 and 0.000710 are one number: one report
      }
    });

    it('refuses unknown, missing and mistyped fields, naming them', async () => {
      await refused(
        'unknown-field',
        '/Extra',
        /not a field/,
        week,
        report(week, x(5), undefined, { Extra: 1 }),
      );
      await refused(
        'unknown-field',
        '/Programs/0/Host',
        /not a field/,
        week,
        report(week, x(5), [program({ Host: 'h' })]),
      );
      await refused(
        'missing-field',
        '/Config',
        /missing/,
        week,
        report(week, x(5)).replace(',"Config":"v0"', ''),
      );
      await refused('wrong-type', '/X', /not a number/, week, report(week, '"0.5"'));
      await refused(
        'wrong-type',
        '/Programs',
        /neither null nor an array/,
        week,
        report(week, x(5), {} as never),
      );
      await refused(
        'wrong-type',
        '/Programs/0/Counters/demo-tool~1invocations',
        /not a number/,
        week,
        report(week, x(5), [program({ Counters: { 'demo-tool/invocations': '3' } })]),
      );
    });

    it("refuses a week that is not a real date, not the path's, in the future or too old", async () => {
      await refused('bad-path', 'path', /not a real/, '2026-02-30', report('2026-02-30', x(5)));
      await refused(
        'bad-week',
        '/Week',
        /not a real/,
        week,
        report(week, x(5), undefined, { Week: '2026-1-1' }),
      );
      await refused('week-mismatch', '/Week', /not the path's week/, day(-4), report(week, x(5)));
      await refused('future', '/Week', /in the future/, day(2), report(day(2), x(5)));
      await refused('too-old', '/Week', /more than 21 days old/, day(-22), report(day(-22), x(5)));
    });

    it('refuses X outside (0, 1] and counts that are not whole numbers from 0 to 2^64-1', async () => {
      for (const bad of ['0', '-0.5', '1.0000001', '2', '0e0'])
        await refused('bad-x', '/X', /not in \(0, 1\]/, week, report(week, bad));
      for (const bad of ['-1', '1.5', '1e3', '18446744073709551616', '99999999999999999999999']) {
        await refused(
          'bad-count',
          '/Programs/0/Counters/demo-tool~1invocations',
          /whole number/,
          week,
          report(week, x(5), [program()]).replace(
            '"demo-tool/invocations":3',
            `"demo-tool/invocations":${bad}`,
          ),
        );
      }
    });

    it("accepts Go's int64-wrapped counts (2^63 to 2^64-1 as negative) only from a Go runtime", async () => {
      const go = (count: string, n: number) =>
        report(week, x(n), [program({ GoVersion: 'go1.26.0' })]).replace(
          '"demo-tool/invocations":3',
          `"demo-tool/invocations":${count}`,
        );
      await ok(week, go('-1', 31));
      await ok(week, go('-9223372036854775808', 32));
      for (const bad of ['-9223372036854775809', '-0', '-1.5']) {
        await refused(
          'bad-count',
          '/Programs/0/Counters/demo-tool~1invocations',
          /whole number/,
          week,
          go(bad, 33),
        );
      }
    });

    it('refuses every string no published config allows, and a counter whose rate is below X', async () => {
      const no = (field: string, p: Record<string, unknown>) =>
        refused(
          'not-allowed',
          field,
          /published config versions/,
          week,
          report(week, x(5), [program(p)]),
        );
      await no('/Programs/0/Program', { Program: 'other-tool' });
      await no('/Programs/0/Version', { Version: '2.0.0' });
      await no('/Programs/0/GoVersion', { GoVersion: 'node18.0.0' });
      await no('/Programs/0/GOOS', { GOOS: 'plan9' });
      await no('/Programs/0/GOARCH', { GOARCH: 'mips' });
      await no('/Programs/0/Counters/demo-tool~1secret', { Counters: { 'demo-tool/secret': 1 } });
      await no('/Programs/0/Stacks/other~1prefix\nf.js:1', {
        Stacks: { 'other/prefix\nf.js:1': 1 },
      });
      await refused(
        'not-allowed',
        '/Programs/0/Counters/demo-tool~1rare',
        /rate 0.1, below this report's X/,
        week,
        report(week, '0.5', [program({ Counters: { 'demo-tool/rare': 1 } })]),
      );
      await ok(week, report(week, '0.05', [program({ Counters: { 'demo-tool/rare': 1 } })]));
      await ok(
        week,
        report(week, x(6), [
          program({ Version: '1.0.0' }),
          program({ Version: '1.9.0', GOOS: 'darwin' }),
        ]),
      );
    });

    it('bounds the work of one report: stack names per program, their frames, exact versions', async () => {
      const frames = (n: number) =>
        Array.from({ length: n }, (_, i) => `demo-tool/lib.f${i}:+${i}`).join('\n');
      const stacks = (n: number) =>
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`demo-tool/error\n${frames(1)}${i}`, 1]),
        );
      // The stack flood: one report naming more stacks than MaxStacks (default 256) is refused whole.
      await refused(
        'too-many-stacks',
        '/Programs/0/Stacks',
        /holds 257 stack names; .*at most 256 .*MaxStacks/,
        week,
        report(week, x(20), [program({ Stacks: stacks(257) })]),
      );
      await ok(week, report(week, x(21), [program({ Stacks: stacks(256) })]));
      // A Node client cuts to Depth (4): a fifth frame is not ours; any text after the prefix is not a frame.
      const deep = `demo-tool/error\n${frames(5)}`;
      await refused(
        'bad-stack',
        `/Programs/0/Stacks/${deep.replace(/\//g, '~1')}`,
        /has 5 frames; the config's Depth is 4/,
        week,
        report(week, x(22), [program({ Stacks: { [deep]: 1 } })]),
      );
      const junk = 'demo-tool/error\nanything at all, a user name, a path';
      await refused(
        'bad-stack',
        `/Programs/0/Stacks/${junk.replace(/\//g, '~1')}`,
        /frame 1 is not in a client's frame form/,
        week,
        report(week, x(23), [program({ Stacks: { [junk]: 1 } })]),
      );
      // Go's uploader does not cut to Depth, and writes ditto marks and `:=` lines: held to 100 frames.
      const go = `demo-tool/error\n${frames(9)}\n".g:-1\nruntime.goexit:=1201`;
      await ok(
        week,
        report(week, x(24), [program({ GoVersion: 'go1.26.0', Stacks: { [go]: 1 } })]),
      );
      const tooDeep = `demo-tool/error\n${frames(101)}`;
      await refused(
        'bad-stack',
        `/Programs/0/Stacks/${tooDeep.replace(/\//g, '~1')}`,
        /has 101 frames; at most 100 frames for a Go client/,
        week,
        report(week, x(25), [program({ GoVersion: 'go1.26.0', Stacks: { [tooDeep]: 1 } })]),
      );
      // The version flood: inside ">=1.0.0 <2" only a plain release passes, never +build metadata.
      for (const v of ['1.4.0+a', '1.4.0+b.1', '=1.4.0', ' 1.4.0', '1.4', '01.4.0', '1.4.0-rc.1']) {
        await refused(
          'not-allowed',
          '/Programs/0/Version',
          /is not a version the config lists/,
          week,
          report(week, x(26), [program({ Version: v })]),
        );
      }
      // At flood scale: 300 distinct `1.4.0+<n>`, none stored (the last test counts the store).
      for (let n = 0; n < 300; n++) {
        const r = await upload(
          s.url,
          week,
          report(week, `0.77${n}`, [program({ Version: `1.4.0+${n}` })]),
        );
        expect(r.status).toBe(400);
      }
      await ok(week, report(week, x(27), [program({ Version: '1.4.0' })]));
      await ok(week, report(week, x(28), [program({ Version: 'v1.4.0' })])); // Go's module form
    });

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
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      const requests = lines.filter((l) => l.route);
      expect(requests.length).toBeGreaterThan(40);
      for (const l of requests)
        expect(Object.keys(l).sort()).toEqual(
          expect.arrayContaining(['method', 'ms', 'route', 'status', 'time']),
        );
      expect(s.stderr()).not.toMatch(/127\.0\.0\.1|user-agent|content-type/i);
      expect(
        requests.filter((l) => l.status === 400).every((l) => typeof l.reason === 'string'),
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

// The intake suite's refusals of malformed input (intake-suite.ts): bodies, canonical forms,
// fields, weeks, X and counts. Each is a 400 problem document naming the field and the reason.
import { expect, it } from 'vitest';
import { day, program, report, upload } from './serve-helpers.js';
import { type IntakeContext, week, x } from './intake-context.js';

export function intakeRefusals(intake: IntakeContext): void {
  const { refused, stored } = intake;
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
    const first = await upload(intake.s.url, week, padded);
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
      const r = await upload(intake.s.url, week, again);
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
}

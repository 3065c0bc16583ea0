// The intake suite's cases on what a published config allows (intake-suite.ts): Go's wrapped
// counts, strings no config names, rates below X, and the bounds on one report's work.
import { expect, it } from 'vitest';
import { program, report, upload } from './serve-helpers.js';
import { type IntakeContext, week, x } from './intake-context.js';

export function intakeLimits(intake: IntakeContext): void {
  const { ok, refused } = intake;
  it("accepts Go's int64-wrapped counts (2^63 to 2^64-1 as negative) only from a Go runtime", async () => {
    const go = (count: string, size: number) =>
      report(week, x(size), [program({ GoVersion: 'go1.26.0' })]).replace(
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
    const no = (field: string, programFields: Record<string, unknown>) =>
      refused(
        'not-allowed',
        field,
        /published config versions/,
        week,
        report(week, x(5), [program(programFields)]),
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
    const frames = (count: number) =>
      Array.from({ length: count }, (_, i) => `demo-tool/lib.f${i}:+${i}`).join('\n');
    const stacks = (count: number) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`demo-tool/error\n${frames(1)}${i}`, 1]),
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
    await ok(week, report(week, x(24), [program({ GoVersion: 'go1.26.0', Stacks: { [go]: 1 } })]));
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
        intake.s.url,
        week,
        report(week, `0.77${n}`, [program({ Version: `1.4.0+${n}` })]),
      );
      expect(r.status).toBe(400);
    }
    await ok(week, report(week, x(27), [program({ Version: '1.4.0' })]));
    await ok(week, report(week, x(28), [program({ Version: 'v1.4.0' })])); // Go's module form
  });
}

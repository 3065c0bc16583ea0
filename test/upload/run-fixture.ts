// What the runUpload tests share (run*.test.ts): a collector that publishes a config naming
// `tool`, and a telemetry directory holding one finished week of counts for it.
import { configFor, startCollector, type TestCollector } from './collector.js';
import { declare, setMode, writeCountFile } from './fixture.js';
import { cleanEnv, tempDir } from '../helpers.js';

export const NOW = new Date('2026-11-20T10:00:00Z');
export const env = cleanEnv();

/** A collector whose verified config names tool/known and the stack tool/crash. */
export async function startToolCollector(): Promise<TestCollector> {
  const collector = await startCollector('a');
  collector.publish(
    configFor(['tool'], {
      counters: [{ Name: 'tool/known', Rate: 1 }],
      stacks: [{ Name: 'tool/crash', Rate: 1, Depth: 1 }],
    }),
  );
  return collector;
}

/** A directory with one finished week of `program`, turned on before it, naming `collector`. */
export function weekDir(
  collector: TestCollector,
  program = 'tool',
  opts: { mode?: 'on' | 'local' | 'off'; collector?: boolean } = {},
): string {
  const root = tempDir('tt-upload-');
  setMode(root, program, opts.mode ?? 'on', '2026-11-01');
  if (opts.collector !== false) declare(root, program, { url: collector.url, key: collector.key });
  writeCountFile(root, {
    program,
    begin: '2026-11-10',
    end: '2026-11-17',
    counts: {
      'tool/known': 3,
      'tool/unknown': 5,
      'tool/crash\nmod.a:+1\nmod.b:+2': 2,
      'tool/crash\nmod.a:+1\nmod.c:+9': 4,
      'other/crash\nx.y:+1': 1,
    },
  });
  return root;
}

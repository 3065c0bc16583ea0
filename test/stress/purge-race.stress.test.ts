// `telemetry off --purge` against tools starting at the same moment. The purge writes the mode,
// then lists and deletes count files; a host that read the mode just before the write could
// create its file just after the listing, and that file outlived the purge (about 1 trial in
// 40 before the fix). After "off --purge" and the hosts' exit, no count file may remain.
// The stress tier (npm run stress): it catches a regression in about two runs of three;
// test/cli/purge-race.test.ts provokes the losing interleaving on purpose, every time.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_COUNTER, ROOT, cleanEnv, countFiles, tempDir } from '../helpers.js';

const CLI = join(ROOT, 'dist', 'cmd', 'telemetry.js');
const STREAMS = 6;
const TRIALS = 40;
/** Per stream and trial: a bound on hosts, whatever the timing. */
const MAX_HOSTS = 12;

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; out: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, args, { env, cwd: ROOT });
    let out = '';
    p.stdout.on('data', (chunk) => (out += chunk));
    p.stderr.on('data', (chunk) => (out += chunk));
    p.on('close', (status) => done({ status, out }));
  });
}

const hostArgs = (dir: string, i: number) => [
  join(ROOT, 'test', 'fixtures', 'count.mjs'),
  JSON.stringify({ dir, program: 'race', version: '1.0.0', after: [[`race/${i % 3}`, 1]] }),
];

/** One trial: streams of short-lived hosts, the purge in their midst; returns the count files left. */
async function trial(): Promise<{ left: string[]; failures: string[] }> {
  const dir = tempDir('tt-purge-');
  const env = { ...cleanEnv(), TT_DIST_COUNTER: DIST_COUNTER };
  const failures: string[] = [];
  let started = 0;
  let purged = false;
  let purge: Promise<void> | null = null;
  const stream = async () => {
    // Hosts keep starting until the purge is over; the last ones overlap its mode write and listing.
    for (let i = 0; i < MAX_HOSTS && !purged; i++) {
      started++;
      if (started === STREAMS + 1) purge ??= startPurge(); // the first host is done: the file exists
      const r = await run(hostArgs(dir, i), env);
      if (r.status !== 0) failures.push(`host: exit ${r.status}: ${r.out}`);
    }
  };
  const startPurge = async () => {
    const r = await run([CLI, 'off', '--purge', '--dir', dir], env);
    if (r.status !== 0) failures.push(`purge: exit ${r.status}: ${r.out}`);
    purged = true;
  };
  await Promise.all(Array.from({ length: STREAMS }, stream));
  await (purge ?? startPurge());
  return { left: countFiles(dir), failures };
}

describe('telemetry off --purge while tools start', () => {
  it(`${TRIALS} trials, ${STREAMS} streams of short-lived hosts each: no count file survives the purge`, async () => {
    const survived: string[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const { left, failures } = await trial();
      expect(failures).toEqual([]);
      if (left.length > 0) survived.push(`trial ${t}: ${left.join(', ')}`);
    }
    expect(survived).toEqual([]);
  });
});

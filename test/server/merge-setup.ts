// Shared by the merge and pages tests: a store filled with generated reports on chosen arrival
// days, a signed config log for /config and /privacy, and the public pages on 127.0.0.1.
import Fastify from 'fastify';
import { join } from 'node:path';
import { expect } from 'vitest';
import { appendToLog, generateKey } from '../../config/index.js';
import { registerPublic, type PublicContext } from '../../server/pages/index.js';
import type { Store } from '../../server/store/index.js';
import type { Report } from '../../upload/index.js';
import { ROOT, tempDir } from '../helpers.js';
import { DEFAULT_PROGRAMS } from './report-gen.js';

export { BIN } from './bin.js';
export const ASSETS = join(ROOT, 'server', 'dist', 'public');

/** Puts each report as received on its arrival day; the bodies by day, in put order. */
export async function fill(
  store: Store,
  reports: Report[],
  dayOf: (report: Report, i: number) => string,
): Promise<Map<string, string[]>> {
  const byDay = new Map<string, string[]>();
  await Promise.all(
    reports.map(async (report, i) => {
      const body = JSON.stringify(report);
      const day = dayOf(report, i);
      expect(await store.put({ week: report.Week, x: String(report.X), day, body })).toBe('stored');
      byDay.set(day, [...(byDay.get(day) ?? []), body]);
    }),
  );
  return byDay;
}

/** The generator's programs as a collection config, published in a fresh signed log. */
export function configLog(): { logDir: string; logKey: string; config: string } {
  const logDir = tempDir('tt-log-');
  const { signer, verifier } = generateKey('collector.test/config');
  const config = JSON.stringify({
    GOOS: ['darwin', 'linux', 'win32'],
    GOARCH: ['arm64', 'x64'],
    GoVersion: ['node20', 'node22', 'node24'],
    SampleRate: 1,
    Programs: DEFAULT_PROGRAMS.map((defaultProgram) => ({
      Name: defaultProgram.name,
      Versions: defaultProgram.versions,
      Counters: defaultProgram.counters.map((counter) => ({ Name: counter, Rate: 1 })),
      Stacks: (defaultProgram.stacks ?? []).map((text) => ({ Name: text, Rate: 0.5, Depth: 8 })),
    })),
  });
  appendToLog(
    logDir,
    [Buffer.from(JSON.stringify({ ...JSON.parse(config), SampleRate: 0.5 }))],
    signer,
    'collector.test/config',
  );
  appendToLog(logDir, [Buffer.from(config)], signer, 'collector.test/config');
  return { logDir, logKey: verifier, config };
}

export async function startPublic(
  ctx: PublicContext,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ forceCloseConnections: true });
  await registerPublic(app, { assets: ASSETS, ...ctx });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * `count` reports of `program` for one week, X from `firstX` upwards: each counts `/run` (its
 * index + 1), and the first `rare` of them also `/rare` (7), so a cell can sit just below or
 * at the publication threshold.
 */
export function cellReports(
  program: string,
  count: number,
  firstX: number,
  rare: number,
): Report[] {
  return Array.from({ length: count }, (_, i) => ({
    Week: '2026-11-26',
    LastWeek: '',
    X: firstX + (i + 1) / 1000,
    Config: 'v1',
    Programs: [
      {
        Program: program,
        Version: '1.0.0',
        GoVersion: 'node22.11.0',
        GOOS: 'linux',
        GOARCH: 'x64',
        Counters: { [`${program}/run`]: i + 1, ...(i < rare ? { [`${program}/rare`]: 7 } : {}) },
        Stacks: {},
      },
    ],
  }));
}

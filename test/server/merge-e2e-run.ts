// What the merge end-to-end tests share (merge-e2e*.test.ts): the built `telemetry-server merge`
// run as a real process, the configuration log its public site serves, and a GET that keeps the
// headers the tests check.
import { spawnSync } from 'node:child_process';
import { BIN, configLog } from './merge-setup.js';

export const merge = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'merge', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    timeout: 60_000,
  });
export const log = configLog();

export async function get(
  url: string,
): Promise<{ status: number; type: string; cache: string; csp: string; text: string }> {
  const r = await fetch(url);
  return {
    status: r.status,
    type: r.headers.get('content-type') ?? '',
    cache: r.headers.get('cache-control') ?? '',
    csp: r.headers.get('content-security-policy') ?? '',
    text: await r.text(),
  };
}

// The built `telemetry-server` bin, run as a real process: the one path to it, and the two ways
// the vendor-command tests start it (blocking, or not when the test serves HTTP itself).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

export const BIN = join(ROOT, 'server', 'dist', 'telemetry-server.js');
export const EXAMPLE = join(ROOT, 'examples', 'collection-config.json');

export const BIN_ENV = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };

export type Run = { status: number | null; stdout: string; stderr: string };

export const run = (...args: string[]): Run =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: BIN_ENV, timeout: 60_000 });

/** For commands that fetch over HTTP from a server in this process: spawn, do not block its event loop. */
export const runAsync = (...args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: BIN_ENV });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (chunk) => (stdout += chunk));
    p.stderr.on('data', (chunk) => (stderr += chunk));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });

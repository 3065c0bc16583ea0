// The consumer rule for a tool installed globally: its own `my-cli telemetry` command, the notice
// that names it, and the packed toolkit inside it (test/consumer/pack.ts).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv as ptyEnv, flat, quote, runCommandInPty } from '../consent/harness.js';
import { cleanEnv, tempDir } from '../helpers.js';
import { packToolkit } from './pack.js';

const work = tempDir('tt-consumer-global-');
let tarball: string;

beforeAll(() => {
  tarball = packToolkit(work);
}, 240_000);

/**
 * A user who installed only a tool, globally (`npm i -g my-cli.tgz`), has the tool's own
 * `my-cli telemetry` and no standalone `telemetry` on PATH: the notice must name the command
 * they have, and that command must work. Installed into a temporary prefix, never the real one.
 */
describe('a tool installed globally that mounts the telemetry command', () => {
  const tool = join(work, 'my-cli');
  const prefix = join(work, 'prefix');
  const nodeOnly = join(work, 'node-only');
  const tt = join(work, 'tt-global');
  let global: ReturnType<typeof spawnSync>;
  // No `telemetry` anywhere on it: the tool's bin and node, nothing else.
  const path = () => `${join(prefix, 'bin')}:${nodeOnly}`;
  const myCli = () => join(prefix, 'bin', 'my-cli');
  const env = (extra: Record<string, string> = {}) =>
    cleanEnv({ PATH: path(), HOME: join(work, 'home'), TRANSPARENT_TELEMETRY_DIR: tt, ...extra });

  beforeAll(() => {
    mkdirSync(tool);
    mkdirSync(nodeOnly);
    mkdirSync(join(work, 'home'));
    symlinkSync(process.execPath, join(nodeOnly, 'node'));
    writeFileSync(
      join(tool, 'package.json'),
      JSON.stringify({
        name: 'my-cli',
        version: '2.0.0',
        type: 'module',
        bin: { 'my-cli': 'cli.mjs' },
        dependencies: { 'transparent-telemetry': `file:${join(work, tarball)}` },
      }),
    );
    writeFileSync(
      join(tool, 'cli.mjs'),
      `#!/usr/bin/env node
       import { open, notice, inc } from 'transparent-telemetry/counter';
       import { telemetryCommand } from 'transparent-telemetry/command';
       const [sub, ...rest] = process.argv.slice(2);
       if (sub === 'telemetry') process.exitCode = await telemetryCommand(rest, { program: 'my-cli' });
       else { open({ command: 'my-cli telemetry' }); notice(); inc('my-cli/runs'); console.log('my-cli ran'); }
      `,
    );
    const pack = spawnSync('npm', ['pack', '--pack-destination', work], {
      cwd: tool,
      encoding: 'utf8',
    });
    expect(pack.status, pack.stderr).toBe(0);
    const npmEnv = cleanEnv({ npm_config_prefix: prefix });
    global = spawnSync('npm', ['install', '--global', join(work, 'my-cli-2.0.0.tgz')], {
      cwd: work,
      encoding: 'utf8',
      env: npmEnv,
    });
  }, 240_000);

  it('installs into the temporary prefix, with my-cli and no telemetry on PATH', () => {
    expect(global.status, String(global.stderr)).toBe(0);
    expect(existsSync(myCli())).toBe(true);
    expect(readdirSync(join(prefix, 'bin'))).toEqual(['my-cli']);
    expect(spawnSync('/bin/sh', ['-c', 'command -v telemetry'], { env: env() }).status).not.toBe(0);
  });

  it('shows a notice on a terminal that names `my-cli telemetry off`, and records the command', async () => {
    const run = await runCommandInPty(quote(myCli()), {
      env: ptyEnv({ PATH: path(), HOME: join(work, 'home'), TRANSPARENT_TELEMETRY_DIR: tt }),
      cwd: work,
    });
    expect(run.code).toBe(0);
    const text = flat(run.output);
    expect(text).toContain('my-cli counts how it is used');
    expect(text).toContain('"my-cli telemetry off"');
    expect(text).toContain('"my-cli telemetry on"');
    expect(text).toContain('my-cli ran');
    expect(JSON.parse(readFileSync(join(tt, 'programs.json'), 'utf8'))).toEqual({
      'my-cli': { command: 'my-cli telemetry' },
    });
  });

  it('runs `my-cli telemetry off`, and its status shows my-cli off', () => {
    const off = spawnSync(myCli(), ['telemetry', 'off'], {
      cwd: work,
      encoding: 'utf8',
      env: env(),
    });
    expect(off.status, off.stderr).toBe(0);
    expect(off.stdout).toContain('telemetry is now off for my-cli');
    const status = spawnSync(myCli(), ['telemetry', 'status', '--json'], {
      cwd: work,
      encoding: 'utf8',
      env: env(),
    });
    expect(status.status, status.stderr).toBe(0);
    const my = JSON.parse(status.stdout).programs.find(
      (program: { program: string }) => program.program === 'my-cli',
    );
    expect(my).toMatchObject({
      program: 'my-cli',
      mode: 'off',
      command: 'my-cli telemetry',
      decidedBy: { source: 'program' },
    });
  });
});

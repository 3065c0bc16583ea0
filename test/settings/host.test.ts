// The host against directories and files no settings code should trust: a directory mkdir
// cannot make, settings files of 200 MB, and a FIFO where the host's own package.json should be.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { HOST, run, userEnv } from './helpers.js';

interface HostResult {
  mode: string;
  file: string | null;
  reason: string;
  program: { name: string };
  openMs: number;
  maxRssMb: number;
}

async function host(
  dir: string,
  opts: { cwd?: string; script?: string; spec?: object } = {},
): Promise<HostResult> {
  const home = tempDir('tt-home-');
  const r = await run(opts.script ?? HOST, [JSON.stringify(opts.spec ?? { program: 'host' })], {
    env: userEnv(dir, home),
    cwd: opts.cwd ?? home,
    limitMs: 8000,
  });
  expect(r.timedOut, 'the host hung').toBe(false);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as HostResult;
}

describe('the host exits promptly', () => {
  it('when the directory is somewhere mkdir can never succeed (/proc/nope): counting in memory', async () => {
    // Node's recursive mkdirSync spins at 100% CPU there, forever.
    const r = await host('/proc/nope');
    expect(r.mode).toBe('local');
    expect(r.file).toBeNull();
    expect(r.reason).toMatch(/^counting in memory: cannot create \/proc\/nope: /);
  });

  it.each(['program-modes.json', 'package.json'])(
    'with a 200 MB %s: refused by its size, never read',
    async (name) => {
      const base = tempDir('tt-big-');
      const dir = join(base, 'telemetry');
      const project = join(base, 'project');
      mkdirSync(join(project, '.git'), { recursive: true });
      mkdirSync(dir);
      writeFileSync(join(dir, 'mode'), 'on 2026-11-01');
      const file = name === 'package.json' ? join(project, name) : join(dir, name);
      writeFileSync(file, '{}');
      truncateSync(file, 200 * 1024 * 1024); // sparse: no disk used, but a reader sees 200 MB
      const r = await host(dir, { cwd: project });
      expect(r.mode).toBe('off'); // it might hold an "off" nobody can see
      expect(r.reason).toContain(`${file}: is too large (209715200 bytes; the limit is`);
      // Reading it cost about 675 MB: the memory shows it was not read. Speed is the bench's job.
      expect(r.maxRssMb).toBeLessThan(150);
    },
  );

  it("when the host's own package.json is a FIFO: named by its script, stacks named without it", async () => {
    const dir = join(tempDir('tt-fifo-'), 'app');
    mkdirSync(dir);
    const script = join(dir, 'tool.mjs');
    copyFileSync(HOST, script);
    execFileSync('mkfifo', [join(dir, 'package.json')]);
    // No program given: hostProgram() walks up from the script; the stack counter names its
    // frames with findPackage() at exit. Both read package.json files.
    const r = await host(join(tempDir('tt-dir-'), 'telemetry'), { script, spec: { stack: true } });
    expect(r.program.name).toBe('tool');
    expect(r.mode).toBe('local');
  });
});

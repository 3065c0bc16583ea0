// Whatever sits at a `*.v1.count` name in local/, the commands that read count files (status,
// dump, csv, view) finish promptly, name it with a reason a user can read, and show the rest.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { CLI, run, userEnv } from '../settings/helpers.js';
import { GO_FIXTURE, GO_PROGRAM, addFixture } from './helpers.js';

/** The Go fixture, and beside it one count-file name for each thing that is not a count file. */
function crowdedDir(): { dir: string; reasons: [string, string][] } {
  const dir = tempDir('tt-crowded-');
  addFixture(dir, 'gen@devel-go1.23.5-linux-amd64-2026-11-22.v1.count');
  const at = (name: string) => join(dir, 'local', `${name}.v1.count`);
  execFileSync('mkfifo', [at('fifo')]);
  mkdirSync(at('folder'));
  symlinkSync('/dev/zero', at('zero'));
  writeFileSync(at('foreign'), Buffer.alloc(20000, 0x41));
  writeFileSync(at('huge'), readFileSync(GO_FIXTURE));
  truncateSync(at('huge'), 65 * 1024 * 1024); // sparse; a count file starts small and grows by 16 KiB
  const reasons: [string, string][] = [
    [at('fifo'), 'is not a regular file'],
    [at('folder'), 'is a directory, not a count file'],
    [at('foreign'), 'not a count file (it does not start with the v1 header)'],
    [at('huge'), 'is too large to be a count file (68157440 bytes; the limit is 64 MiB)'],
    [at('zero'), 'is not a regular file'],
  ];
  return { dir, reasons };
}

const cli = (dir: string, ...args: string[]) =>
  run(CLI, args, { env: userEnv(dir, dir), cwd: dir, limitMs: 8000 });

describe('count-file names holding something else', () => {
  it('status warns about each, by name, and succeeds', async () => {
    const { dir, reasons } = crowdedDir();
    const r = await cli(dir, 'status');
    expect(r.timedOut, 'status hung').toBe(false);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(reasons.map(([file, why]) => `warning: ${file}: ${why}\n`).join(''));
    expect(r.stdout).toContain(GO_PROGRAM);
  });

  it.each([['dump'], ['csv']])(
    '%s names each on stderr, shows the good file, exit 1',
    async (cmd) => {
      const { dir, reasons } = crowdedDir();
      const r = await cli(dir, cmd);
      expect(r.timedOut, `${cmd} hung`).toBe(false);
      expect(r.code).toBe(1);
      for (const [f, why] of reasons) expect(r.stderr).toContain(`error: ${f}: ${why}\n`);
      expect(r.stdout).toContain('gen/');
    },
  );

  it('view serves the good file and lists the others with their reasons', async () => {
    const { dir, reasons } = crowdedDir();
    const child = spawn(process.execPath, [CLI, 'view', '--port', '0'], {
      env: userEnv(dir, dir),
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /at (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', () => reject(new Error(`view exited: ${out}`)));
      });
      const data = (await (
        await fetch(`${url}api/data`, { signal: AbortSignal.timeout(8000) })
      ).json()) as { errors: { file: string; reason: string }[]; programs: { program: string }[] };
      expect(data.programs.map((program) => program.program)).toEqual([GO_PROGRAM]);
      expect(data.errors.map((error) => error.reason).sort()).toEqual(
        reasons.map(([, why]) => why).sort(),
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});

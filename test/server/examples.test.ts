// The operations guide's files (server/examples/) are what they claim: the systemd units pass
// `systemd-analyze verify` with no warning (skipped, saying why, where systemd is not installed),
// with ExecStart pointed at the real bin, as a vendor's install would have it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';

const EXAMPLES = join(ROOT, 'server', 'examples');
const UNITS = ['telemetry-server.service', 'telemetry-merge.service', 'telemetry-merge.timer'];
const hasSystemd = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasSystemd)
  console.warn('skipped: systemd-analyze is not installed, so the systemd units are not verified');

describe.skipIf(!hasSystemd)('the systemd units', () => {
  it('pass systemd-analyze verify without a warning', () => {
    const dir = tempDir('tt-units-');
    for (const unit of UNITS) {
      const text = readFileSync(join(EXAMPLES, unit), 'utf8');
      writeFileSync(
        join(dir, unit),
        text.replaceAll(
          '/opt/telemetry-server/node_modules/.bin/telemetry-server',
          join(ROOT, 'server', 'bin', 'telemetry-server.js'),
        ),
      );
    }
    const r = spawnSync('systemd-analyze', ['verify', ...UNITS.map((unit) => `./${unit}`)], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('serve and merge in them name only options the commands have', () => {
    const help = (cmd: string) =>
      spawnSync(
        process.execPath,
        [join(ROOT, 'server', 'bin', 'telemetry-server.js'), cmd, '--help'],
        { encoding: 'utf8' },
      ).stdout;
    for (const [unit, cmd] of [
      ['telemetry-server.service', 'serve'],
      ['telemetry-merge.service', 'merge'],
    ] as const) {
      const flags = readFileSync(join(EXAMPLES, unit), 'utf8').match(/--[a-z-]+/g) ?? [];
      expect(flags.length).toBeGreaterThanOrEqual(2);
      for (const flag of flags) expect(help(cmd), `${unit}: ${flag}`).toContain(flag);
    }
  });
});

// The consumer rule: a tool author's project gets the toolkit with a plain `npm install` of
// the packed tarball (no flags, no compiler step of ours), and counts land in the shared file.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cleanEnv, soleCounts, tempDir } from '../helpers.js';
import { packToolkit } from './pack.js';
import { installedNode } from '../../scripts/installed-node.mjs';

const work = tempDir('tt-consumer-');
const app = join(work, 'app');
const tt = join(work, 'telemetry');
let install: ReturnType<typeof spawnSync>;
let tarball: string;

beforeAll(() => {
  tarball = packToolkit(work);
  spawnSync('mkdir', [app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: '@acme/consumer-cli', version: '3.1.0', type: 'module', private: true }),
  );
  writeFileSync(
    join(app, 'cli.mjs'),
    `import { open, inc, Counter } from 'transparent-telemetry/counter';
     const r = open(); inc('consumer/invocations'); new Counter('consumer/flag:x').add(2);
     console.log(JSON.stringify(r));`,
  );
  writeFileSync(
    join(app, 'legacy.cjs'),
    `const { open, inc } = require('transparent-telemetry/counter');
     const r = open(); inc('consumer/from-commonjs'); console.log(JSON.stringify(r));`,
  );
  writeFileSync(
    join(app, 'crash.mjs'),
    [
      "import { open } from 'transparent-telemetry/counter';",
      'open({ crashes: true });',
      'function explode() {',
      "  throw new Error('consumer crash');",
      '}',
      'setTimeout(explode, 1);',
      '',
    ].join('\n'),
  );
  install = spawnSync('npm', ['install', join(work, tarball)], {
    cwd: app,
    encoding: 'utf8',
    env: cleanEnv(),
  });
}, 240_000);

describe('a tool that installs the packed toolkit with plain npm install', () => {
  it('installs without errors and pulls in only the mapping packages', () => {
    expect(install.status, String(install.stderr)).toBe(0);
    expect(String(install.stderr)).not.toMatch(/npm error/);
    const deps = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(deps.sort()).toEqual(['@koromix', 'koffi', 'transparent-telemetry']);
  });

  it('the tarball carries the licence its package.json names, and only koffi as a dependency', () => {
    const list = spawnSync('tar', ['-tzf', join(work, tarball)], { encoding: 'utf8' }).stdout.split(
      '\n',
    );
    expect(list).toContain('package/LICENSE');
    const pkg = JSON.parse(
      readFileSync(join(app, 'node_modules', 'transparent-telemetry', 'package.json'), 'utf8'),
    );
    expect(
      readFileSync(join(app, 'node_modules', 'transparent-telemetry', 'LICENSE'), 'utf8'),
    ).toContain('BSD 3-Clause License');
    expect(pkg.license).toBe('BSD-3-Clause');
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['koffi']);
    expect(pkg.optionalDependencies ?? {}).toEqual({});
    expect(list.some((file) => file.startsWith('package/server/'))).toBe(false); // the server is its own package
    // The mapping addon, prebuilt for every target, with its source and manifest; no build files.
    const native = list.filter((file) => file.startsWith('package/native/')).sort();
    expect(native).toContain('package/native/tt_mmap.c');
    expect(native).toContain('package/native/prebuilds/manifest.json');
    expect(native.filter((file) => file.endsWith('.node'))).toHaveLength(7);
    expect(native).toHaveLength(9);
  });

  it('exports the collection-config primitives, bundled (import and require alike)', () => {
    const esm = `import { generateKey, signNote, verifyNote, leafHash } from 'transparent-telemetry/config';
      const k = generateKey('example.com/log'); const v = verifyNote(signNote('hi\\n', [k.signer]), [k.verifier]);
      console.log(v.verifiedBy.join(), Buffer.from(leafHash(new Uint8Array())).toString('hex').slice(0, 8));`;
    const cjs = `const { parseConfig } = require('transparent-telemetry/config');
      console.log(parseConfig({ GOOS: ['linux'], GOARCH: [], GoVersion: [], SampleRate: 1, Programs: [] }).GOOS.join());`;
    const e = spawnSync(process.execPath, ['--input-type=module', '-e', esm], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(e.stderr).toBe('');
    expect(e.stdout.trim()).toBe('example.com/log 6e340b9c');
    const c = spawnSync(process.execPath, ['-e', cjs], { cwd: app, encoding: 'utf8' });
    expect(c.stdout.trim()).toBe('linux');
    expect(
      existsSync(
        join(app, 'node_modules', 'transparent-telemetry', 'dist', 'types', 'config', 'index.d.ts'),
      ),
    ).toBe(true);
  });

  it('counts into the shared weekly file from several runs, ES module and CommonJS alike', () => {
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['cli.mjs'], {
        cwd: app,
        encoding: 'utf8',
        env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: tt }),
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({
        mode: 'local',
        program: { name: '@acme/consumer-cli', version: '3.1.0' },
        backend: 'addon',
      });
    }
    const cjs = spawnSync(process.execPath, ['legacy.cjs'], {
      cwd: app,
      encoding: 'utf8',
      env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: tt }),
    });
    expect(cjs.status, cjs.stderr).toBe(0);
    expect(JSON.parse(cjs.stdout)).toMatchObject({ mode: 'local', backend: 'addon' });
    const counts = soleCounts(tt);
    expect(counts.get('consumer/invocations')).toBe(3n);
    expect(counts.get('consumer/flag:x')).toBe(6n);
    expect(counts.get('consumer/from-commonjs')).toBe(1n); // CommonJS tools land in the same file
  });

  it('still counts when the tool bundles the toolkit into its own file (ES module or CommonJS output)', () => {
    const esbuild = join(ROOT, 'node_modules', '.bin', 'esbuild');
    const dir = join(app, 'dist'); // inside the tool's package, as a published tool ships it
    for (const [format, out] of [
      ['esm', 'tool.mjs'],
      ['cjs', 'tool.cjs'],
    ] as const) {
      const b = spawnSync(
        esbuild,
        [
          'cli.mjs',
          '--bundle',
          '--platform=node',
          `--format=${format}`,
          `--outfile=${join(dir, out)}`,
          '--log-level=error',
        ],
        { cwd: app, encoding: 'utf8' },
      );
      expect(b.status, b.stderr).toBe(0);
      const r = spawnSync(process.execPath, [join(dir, out)], {
        cwd: app,
        encoding: 'utf8',
        env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: join(work, 'tt-bundled') }),
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout), format).toMatchObject({ mode: 'local', backend: 'addon' });
    }
    expect(soleCounts(join(work, 'tt-bundled')).get('consumer/invocations')).toBe(2n);
  });

  it('counts a crash, with the same stack name on Node 20, 22 and 24', () => {
    const nodes = ['22', '24'].map((major) => installedNode(major));
    const bins = [process.execPath, ...nodes.filter((bin) => existsSync(bin) || process.env.CI)];
    const stack = '@acme/consumer-cli/crash.Timeout.explode:+1';
    for (const bin of bins) {
      const dir = join(work, `tt-crash-${bins.indexOf(bin)}`);
      const r = spawnSync(bin, ['crash.mjs'], {
        cwd: app,
        encoding: 'utf8',
        env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: dir }),
      });
      expect(r.status, bin).toBe(1);
      expect(r.stderr, bin).toContain('Error: consumer crash');
      const crashes = [...soleCounts(dir)].filter(([name]) => name.includes('/crash')).sort();
      expect(crashes, bin).toEqual([
        [`@acme/consumer-cli/crash\n${stack}`, 1n],
        [`@acme/consumer-cli/crash:exception\n${stack}`, 1n],
      ]);
    }
  });

  it('ships the telemetry command, which reads what the tool counted', () => {
    const r = spawnSync(join(app, 'node_modules', '.bin', 'telemetry'), ['dump', '--json'], {
      encoding: 'utf8',
      env: cleanEnv({ TRANSPARENT_TELEMETRY_DIR: tt }),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('"consumer/invocations": 3');
    expect(
      existsSync(
        join(
          app,
          'node_modules',
          'transparent-telemetry',
          'dist',
          'types',
          'counter',
          'index.d.ts',
        ),
      ),
    ).toBe(true);
  });
});

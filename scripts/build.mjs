// Bundles each public entry point into dist/. Everything pure-JS is bundled so that a tool
// linking the toolkit inherits only the native mapping packages (koffi, optional mmap-io),
// which are loaded at run time through createRequire and so are never bundled.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const banner = { js: "import { createRequire as __ttCreateRequire } from 'node:module'; const require = __ttCreateRequire(import.meta.url);" };
const node = { bundle: true, platform: 'node', target: 'node20', format: 'esm', banner, external: ['koffi', 'mmap-io'], logLevel: 'warning', legalComments: 'none' };

rmSync('dist', { recursive: true, force: true });
await build({ ...node, entryPoints: { 'counter/index': 'counter/index.ts' }, outdir: 'dist' });
if (existsSync('cmd/telemetry/main.ts')) {
  await build({ ...node, entryPoints: { 'cmd/telemetry': 'cmd/telemetry/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node\n' + banner.js } });
}
if (existsSync('cmd/telemetry/view/app.ts')) {
  mkdirSync('dist/cmd/view', { recursive: true });
  await build({ bundle: true, platform: 'browser', target: 'es2020', format: 'iife', entryPoints: ['cmd/telemetry/view/app.ts'], outfile: 'dist/cmd/view/app.js', logLevel: 'warning', minify: true, legalComments: 'none' });
  for (const f of ['index.html', 'style.css']) cpSync(`cmd/telemetry/view/${f}`, `dist/cmd/view/${f}`);
}
// Declarations for tool authors; the native compiler emits them in well under a second.
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

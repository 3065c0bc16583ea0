// Bundles each public entry point into dist/. Everything pure-JS is bundled so that a tool
// linking the toolkit inherits only the native mapping packages (koffi, optional mmap-io),
// which are loaded at run time through `require` and so are never bundled.
import { build } from 'esbuild';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * Start-up cost matters to every tool that links us, and an ESM `import` of a built-in module
 * costs ~1 ms each (node:fs alone ~1.7 ms) while `process.getBuiltinModule` (Node ≥ 20.16)
 * costs nothing. This plugin lets the source keep plain `import … from 'node:fs'` and turns
 * each into that call, falling back to `require` on older Node 20 releases.
 */
const builtins = {
  name: 'builtins',
  setup(build) {
    // sideEffects: false lets esbuild drop a built-in that no kept code uses (a room's index
    // re-exports more than the entry needs).
    // A bundled CommonJS dependency's `require('node:fs')` (commander's) stays a plain require:
    // the stand-in below would read every export up front, and Node 24 warns when fs.F_OK is read.
    build.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'require-call'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'builtin', sideEffects: false },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      const id = JSON.stringify(args.path);
      const exported = nodeRequire(args.path);
      const names = Object.keys(exported).filter(
        (name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default',
      );
      const get = `process.getBuiltinModule ? process.getBuiltinModule(${id}) : __ttRequire(${id})`;
      if (lazyBuiltins.has(args.path)) return { contents: lazyBuiltin(get, names, exported) };
      // Plain ES exports, so esbuild keeps only the names the source uses.
      const contents = [
        `const m = ${get};`,
        'export default m;',
        ...names.map((name) => `export const ${name} = /* @__PURE__ */ (() => m.${name})();`),
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

/**
 * Built-ins the everyday path and counting off never call, yet that cost to load: the first
 * `process.getBuiltinModule('node:module')` of a process takes ~0.09 ms on Node 22 and 24 (it
 * loads Node's source map support with it), and the bundles only call its `createRequire`
 * when a `require` is really needed. Taken on the first call instead of at the bundle's top.
 */
const lazyBuiltins = new Set(['node:module']);

/** A lazy built-in's module: each function a wrapper that loads the built-in when called. */
function lazyBuiltin(get, names, exported) {
  const functions = names.filter((name) => typeof exported[name] === 'function');
  const values = names.filter((name) => typeof exported[name] !== 'function');
  return [
    'let m;',
    `const load = () => (m ??= ${get});`,
    'export default /* @__PURE__ */ (() => load())();',
    ...functions.map(
      (name) => `export function ${name}(...args) { return load().${name}(...args); }`,
    ),
    // A value cannot wait for its first use: reading one loads the built-in (none is used).
    ...values.map((name) => `export const ${name} = /* @__PURE__ */ (() => load().${name})();`),
  ].join('\n');
}
const nodeRequire = createRequire(import.meta.url);

/**
 * The entry bundles reach the engine through counter/engine-loader.ts; here that module
 * becomes counter/engine-bundled.ts, which loads dist/counter/engine.cjs on first use through
 * a V8 code cache, so a process with counting off never reads, compiles or runs the engine
 * (counter/hub.ts) and an everyday one compiles little of it (docs/startup.md).
 */
const lazyEngine = {
  name: 'engine',
  setup(build) {
    build.onResolve({ filter: /\/engine-loader\.js$/ }, (args) => ({
      path: join(args.resolveDir, 'engine-bundled.ts'),
    }));
  },
};

/**
 * In the engine bundle, counter/engine/upload-start-loader.ts becomes upload-start-bundled.ts,
 * which `require`s dist/counter/upload-start.cjs (the upload's due check, token take and spawn)
 * only when the day's token is absent or stale: an everyday start neither reads nor compiles it.
 */
const lazyUploadStart = {
  name: 'upload-start',
  setup(build) {
    build.onResolve({ filter: /\/upload-start-loader\.js$/ }, (args) => ({
      path: join(args.resolveDir, 'upload-start-bundled.ts'),
    }));
  },
};

/** Ends the engine bundle with its hash: the key of its code cache (counter/settings/code-cache.ts). */
function markEngineHash(file) {
  const source = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 32);
  // Before the source map's line, which stays the last.
  const at = source.lastIndexOf('\n//# sourceMappingURL=');
  writeFileSync(file, `${source.slice(0, at)}\n//# tt-engine-hash=${hash}${source.slice(at)}`);
}

/** The bin imports the shared CLI bundle beside it rather than carrying its own copy. */
const sharedCli = {
  name: 'shared-cli',
  setup(build) {
    build.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './cli.js', external: true }));
  },
};

// `require` for the ES module bundles, created on first use (createRequire alone costs ~0.7 ms);
// `__ttRequire` is the same under a name esbuild does not follow, for the built-in fallback.
const esmRequire =
  "import { createRequire as __ttCreateRequire } from 'node:module'; let __ttRequireFn; " +
  // `__filename` serves when a tool bundles this file into CommonJS, where import.meta is empty.
  'const require = (id) => (__ttRequireFn ??= __ttCreateRequire(import.meta.url ?? __filename))(id); const __ttRequire = require;';
const syncRequire =
  "let __ttRequireFn; const require = (id) => (__ttRequireFn ??= process.getBuiltinModule('node:module')" +
  '.createRequire(import.meta.url ?? __filename))(id); const __ttRequire = require;';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['koffi', 'mmap-io'],
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [builtins],
};
const esm = { ...common, format: 'esm', banner: { js: esmRequire } };

rmSync('dist', { recursive: true, force: true });
// Minified, with a linked source map: a smaller source compiles faster in every tool's start-up.
const small = { minify: true, sourcemap: 'linked' };
const cjs = {
  ...common,
  ...small,
  format: 'cjs',
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  // The file's URL on use, not at load: pathToFileURL costs every start, counting off included,
  // and only the engine's loading and the addon's path need it.
  define: { 'import.meta.url': '__ttMeta.url', 'import.meta.dirname': '__dirname' },
  banner: {
    js: "const __ttMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } }; const __ttRequire = require;",
  },
};
const entry = { entryPoints: { 'counter/index': 'counter/index.ts' } };
const meta = await build({
  ...esm,
  ...small,
  ...entry,
  outdir: 'dist',
  plugins: [builtins, lazyEngine],
  metafile: true,
});
// `TT_BUILD_META=1 npm run build` lists what the entry carries: every byte is start-up cost for every tool.
if (process.env.TT_BUILD_META) {
  for (const [file, { bytesInOutput }] of Object.entries(
    meta.metafile.outputs['dist/counter/index.js'].inputs,
  ))
    console.log(bytesInOutput, file);
}
// The same entry for Node that knows the "module-sync" export condition (20.19+, 22.10+: all
// have process.getBuiltinModule), without the static import of node:module the banner above
// carries for older Node 20: that import costs 0.4 to 0.8 ms of every start on Node 22 and 24.
await build({
  ...esm,
  ...small,
  entryPoints: { 'counter/index-sync': 'counter/index.ts' },
  outdir: 'dist',
  plugins: [builtins, lazyEngine],
  banner: { js: syncRequire },
});
// CommonJS tools `require()` the toolkit; Node 20 before 20.19 cannot require an ES module.
await build({ ...cjs, ...entry, plugins: [builtins, lazyEngine] });
// One engine for both entries, so a process that loads both still has one count file state.
await build({
  ...cjs,
  entryPoints: { 'counter/engine': 'counter/engine/index.ts' },
  plugins: [builtins, lazyUploadStart],
  external: [...common.external, 'transparent-telemetry/internal/upload-start'],
});
markEngineHash('dist/counter/engine.cjs');
await build({ ...cjs, entryPoints: { 'counter/upload-start': 'counter/engine/upload-start.ts' } });
// transparent-telemetry/config: loaded by the uploader and by vendors' tools, never at a tool's
// start; tweetnacl and semver are bundled in, so a tool still inherits koffi alone.
const config = { entryPoints: { 'config/index': 'config/index.ts' }, outdir: 'dist' };
await build({ ...esm, ...small, ...config });
await build({ ...cjs, ...config });
// The uploader as its own ES module, for the background child and the tests' racing processes
// (not in package.json's exports: tools reach it through the CLI or the child).
await build({
  ...esm,
  ...small,
  entryPoints: { 'upload/index': 'upload/index.ts' },
  outdir: 'dist',
});
// The background upload run a tool's process starts detached (counter/engine/upload-trigger.ts
// finds it beside the engine, else as transparent-telemetry/internal/upload-child).
await build({ ...cjs, entryPoints: { 'upload/child': 'upload/child.ts' } });
if (existsSync('cmd/telemetry/main.ts')) {
  // The CLI itself (commander and every command), one bundle shared by the `telemetry` bin and
  // a tool's mounted command (transparent-telemetry/command), which loads it only when run.
  await build({ ...esm, entryPoints: { 'cmd/cli': 'cmd/telemetry/main.ts' }, outdir: 'dist' });
  await build({
    ...esm,
    entryPoints: { 'cmd/telemetry': 'cmd/telemetry/bin.ts' },
    outdir: 'dist',
    plugins: [builtins, sharedCli],
    banner: { js: '#!/usr/bin/env node' },
  });
  // Executable, so `npx telemetry` and a direct path work in a checkout (npm sets it only on install).
  chmodSync('dist/cmd/telemetry.js', 0o755);
  const command = { entryPoints: { 'cmd/command': 'cmd/command.ts' }, outdir: 'dist' };
  // No banner: the module needs no `require`, and tools import it at start-up.
  await build({ ...common, ...small, ...command, format: 'esm' });
  await build({ ...cjs, ...command });
}
if (existsSync('cmd/telemetry/view/app.ts')) {
  mkdirSync('dist/cmd/view', { recursive: true });
  await build({
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    entryPoints: ['cmd/telemetry/view/app.ts'],
    outfile: 'dist/cmd/view/app.js',
    logLevel: 'warning',
    minify: true,
    legalComments: 'none',
  });
  for (const f of ['index.html', 'style.css'])
    cpSync(`cmd/telemetry/view/${f}`, `dist/cmd/view/${f}`);
}
// The vendor's `telemetry-server` bin (server/, its own workspace package): config/ and
// commander bundled in; fastify and pg, its dependencies, stay external (resolved from
// node_modules) and are loaded only by `serve`. Never in the toolkit's dist/.
if (existsSync('server/cmd/bin.ts')) {
  rmSync('server/dist', { recursive: true, force: true });
  await build({
    ...esm,
    entryPoints: {
      'telemetry-server': 'server/cmd/bin.ts',
      'merge-worker': 'server/pages/merge-worker.ts',
    },
    outdir: 'server/dist',
    external: [...common.external, 'fastify', 'pg', '@photostructure/sqlite'],
    banner: { js: `#!/usr/bin/env node\n${esmRequire}` },
  });
  chmodSync('server/dist/telemetry-server.js', 0o755);
}
// The public pages' only script (Chart.js bundled in) and style, served by the server itself
// from server/dist/public/, beside the bundle.
if (existsSync('server/pages/client/charts.ts')) {
  mkdirSync('server/dist/public', { recursive: true });
  await build({
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    entryPoints: ['server/pages/client/charts.ts'],
    outfile: 'server/dist/public/charts.js',
    logLevel: 'warning',
    minify: true,
    legalComments: 'none',
  });
  cpSync('server/pages/client/style.css', 'server/dist/public/style.css');
}
// Declarations for tool authors; the native compiler emits them in well under a second.
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

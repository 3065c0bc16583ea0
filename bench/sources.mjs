// The benches that drive the server's code in their own process (the store, the merge, the
// report generator) import it from the TypeScript sources: bundled by esbuild into one ES
// module inside the checkout (test-output/), so that the store finds its SQLite binding in
// node_modules, imported, and the bundle removed.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const BANNER =
  "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);";

/** The module of `exportLines` (`export { x } from './path.ts';`, from the repository's root). */
export async function importSources(name, exportLines) {
  const bundle = join(ROOT, 'test-output', `bench-${name}-${process.pid}.mjs`);
  await build({
    stdin: { contents: exportLines.join('\n'), resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: BANNER },
    outfile: bundle,
    logLevel: 'warning',
  });
  try {
    return await import(pathToFileURL(bundle).href);
  } finally {
    rmSync(bundle, { force: true });
  }
}

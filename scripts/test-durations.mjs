// Writes test/setup/durations.json from vitest's cache of the last run (each file's whole
// duration, hooks included), for test/setup/sequencer.ts to start long files first on a fresh
// clone. Run it after a full `npm test`.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const cache = join('node_modules', '.vite', 'vitest');
const durations = {};
for (const dir of readdirSync(cache)) {
  const { results } = JSON.parse(readFileSync(join(cache, dir, 'results.json'), 'utf8'));
  for (const [key, { duration }] of results) {
    const file = key.slice(key.indexOf(':') + 1);
    if (file.startsWith('test/') && duration) durations[file] = Math.round(duration / 100) / 10;
  }
}
const sorted = Object.fromEntries(Object.entries(durations).sort((a, b) => b[1] - a[1]));
writeFileSync(join('test', 'setup', 'durations.json'), `${JSON.stringify(sorted, null, 1)}\n`);
console.log(`test/setup/durations.json: ${Object.keys(sorted).length} files`);

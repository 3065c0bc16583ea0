// The docs stay true to the tree: every relative link in the Markdown files resolves, every
// `docs/<topic>.md` a comment or script names exists, and DESIGN.md's table lists every topic
// in docs/ (DESIGN.md is the map). A doc moved or split without its references fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { filesBelow } from './tree.js';

const SKIPPED = new Set(['testdata', 'native']);
const CODE = /\.(ts|mts|cts|js|mjs|cjs|sh)$/;

/** Relative link targets of a Markdown text: `](target)`, without anchors, not URLs. */
function linkTargets(text: string): string[] {
  const targets: string[] = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1]!.split('#')[0]!;
    if (target === '' || /^[a-z][a-z+.-]*:/i.test(target)) continue;
    targets.push(decodeURIComponent(target));
  }
  return targets;
}

it('every relative link in the Markdown files resolves', () => {
  const docs = filesBelow('.', (name) => name.endsWith('.md'), SKIPPED);
  expect(docs.length).toBeGreaterThan(15);
  const broken = docs.flatMap((doc) =>
    linkTargets(readFileSync(join(ROOT, doc), 'utf8'))
      .filter((target) => !existsSync(join(ROOT, dirname(doc), target)))
      .map((target) => `${doc} → ${target}`),
  );
  expect(broken).toEqual([]);
});

it('every docs/<topic>.md that code, tests or scripts name exists', () => {
  const code = filesBelow('.', (name) => CODE.test(name) && !name.endsWith('.d.ts'), SKIPPED);
  const missing = code.flatMap((file) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\bdocs\/([a-z0-9-]+\.md)/g)]
      .filter((match) => !existsSync(join(ROOT, 'docs', match[1]!)))
      .map((match) => `${file} → docs/${match[1]}`),
  );
  expect(missing).toEqual([]);
});

it("DESIGN.md's table lists every topic in docs/", () => {
  const design = readFileSync(join(ROOT, 'DESIGN.md'), 'utf8');
  const topics = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
  const unlisted = topics.filter(
    (name) => !design.includes(`](${relative(ROOT, join(ROOT, 'docs', name))})`),
  );
  expect(unlisted).toEqual([]);
});

// Project trees for the mode policy's tests: a repository with a working directory inside it,
// and package.json files holding a project setting (or anything else, to test refusals).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './harness.js';

/** A repository with `.git` at `root`, the working directory three levels below it. */
export function repo(): { parent: string; root: string; cwd: string; home: string } {
  const parent = tempDir('repo-parent');
  const root = join(parent, 'repo');
  const cwd = join(root, 'packages', 'a', 'src');
  mkdirSync(cwd, { recursive: true });
  mkdirSync(join(root, '.git'));
  return { parent, root, cwd, home: tempDir('home') };
}

/** Writes `dir`/package.json: `content` as it is when a string, else as JSON. */
export function pkg(dir: string, content: unknown): string {
  const file = join(dir, 'package.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

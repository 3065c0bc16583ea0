// The layout DESIGN.md §1 draws: one folder per job, each reached only through its index.ts,
// arrows only where the map allows them, and no import circles. Read from the sources as text,
// so a new file or a stray import fails here before it lands.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

/** Rooms and the rooms each may import (through their index.ts). Keep in step with DESIGN.md §1. */
const ALLOWED: Record<string, string[]> = {
  counter: ['counter/engine', 'counter/countfile', 'counter/settings'],
  'counter/engine': ['counter/countfile', 'counter/mmap', 'counter/settings', 'counter/safeio'],
  'counter/countfile': ['counter/mmap', 'counter/safeio'],
  'counter/mmap': [],
  'counter/settings': ['counter/safeio'],
  'counter/safeio': [],
  cmd: ['counter', 'counter/countfile', 'counter/settings', 'counter/safeio', 'config', 'upload'],
  config: ['counter/safeio'],
  upload: ['config', 'counter/countfile', 'counter/mmap', 'counter/settings', 'counter/safeio'],
  server: ['config', 'upload', 'counter/safeio'],
};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The room a file belongs to: its folder under counter/, or the top-level folder. */
function roomOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'counter' && parts.length > 2) return `counter/${parts[1]}`;
  return parts[0]!;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith('.') || spec.endsWith('.json')) continue;
    const target = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
    out.push(existsSync(join(ROOT, target)) ? target : `${target} (missing)`);
  }
  return out;
}

const files = ['counter', 'cmd', 'config', 'upload', 'server'].flatMap(sources);
const graph = new Map(files.map((f) => [f, imports(f)]));

describe('source layout', () => {
  it('every room has an index.ts as its public face', () => {
    for (const room of Object.keys(ALLOWED).filter((r) => r !== 'cmd' && r !== 'server')) expect(existsSync(join(ROOT, room, 'index.ts')), room).toBe(true);
  });

  it('imports between rooms go through the target room index.ts, along allowed arrows only', () => {
    const wrong: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        const [a, b] = [roomOf(from), roomOf(to)];
        if (a === b) continue;
        if (!ALLOWED[a]?.includes(b)) wrong.push(`${from} -> ${to}: ${a} may not import ${b}`);
        else if (!to.endsWith('/index.ts')) wrong.push(`${from} -> ${to}: goes around ${b}/index.ts`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import circles', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(circles).toEqual([]);
  });

  it('the rooms DESIGN.md maps are the rooms on disk', () => {
    const design = readFileSync(join(ROOT, 'DESIGN.md'), 'utf8');
    for (const room of Object.keys(ALLOWED)) expect(design, room).toContain(`\`${room}/\``);
    const onDisk = readdirSync(join(ROOT, 'counter')).filter((n) => statSync(join(ROOT, 'counter', n)).isDirectory());
    expect(onDisk.map((n) => `counter/${n}`).sort()).toEqual(Object.keys(ALLOWED).filter((r) => r.startsWith('counter/')).sort());
  });
});

describe('what counting can reach', () => {
  it('the counting bundles hold no network module: nothing a tool runs at start-up can send anything', () => {
    for (const f of ['index.js', 'index.cjs', 'engine.cjs']) {
      const text = readFileSync(join(ROOT, 'dist', 'counter', f), 'utf8');
      expect(text, f).not.toMatch(/["'](node:)?(https?|http2|net|tls|dns|dgram)["']/);
    }
    // The check itself can see a network module where there is one.
    expect(readFileSync(join(ROOT, 'dist', 'config', 'index.js'), 'utf8')).toMatch(/["']node:https?["']/);
  });
});

describe('published types', () => {
  const types = join(ROOT, 'dist', 'types', 'counter');

  it('show no engine fields on Counter and StackCounter', () => {
    const counter = readFileSync(join(types, 'counter.d.ts'), 'utf8');
    const stack = readFileSync(join(types, 'stack-counter.d.ts'), 'utf8');
    for (const field of ['v:', 'i:', 'pending', 'bytes', 'bucket', 'known']) expect(counter).not.toMatch(new RegExp(`^\\s+(readonly )?${field}`, 'm'));
    expect(stack).not.toMatch(/^\s+(readonly )?stacks/m);
    expect(counter).toMatch(/inc\(\): void/);
  });
});

// The rules of DESIGN.md §1 as functions over a set of files (path → source text), so the
// architecture test can run them on the real tree and on synthetic probe sets alike.
// A room is a folder: each top-level source folder, and each sub-folder of counter/, cmd/,
// config/ and server/ (deeper folders, such as a browser bundle's sources, belong to their room). A room's
// face is its index.ts; another room imports only that, along an arrow of the table.
import { dirname, join, normalize } from 'node:path';
import { type ImportKind, findImports } from './imports.js';

/** Room → the rooms it may import. */
export type Arrows = Map<string, string[]>;

const SPLIT_ROOMS = new Set(['counter', 'cmd', 'config', 'server']);

export function roomOf(file: string): string {
  const parts = file.split('/');
  if (SPLIT_ROOMS.has(parts[0]!) && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0]!;
}

/**
 * The arrow table: the fenced block of DESIGN.md holding `room, room ──► room, room` lines;
 * `nothing` for none, and a parenthesised remark at a line's end is prose.
 */
export function parseArrows(design: string): Arrows {
  const block = design.split('```').find((part) => part.includes('──►'));
  if (block === undefined)
    throw new Error('DESIGN.md has no arrow table (a fenced block of "──►" lines)');
  const arrows: Arrows = new Map();
  for (const line of block.split('\n').filter((text) => text.includes('──►'))) {
    const [from, to] = line.split('──►') as [string, string];
    const targets = to
      .replace(/\(.*\)\s*$/, '')
      .split(',')
      .map((room) => room.trim())
      .filter((room) => room && room !== 'nothing');
    for (const room of from.split(',').map((name) => name.trim())) arrows.set(room, targets);
  }
  return arrows;
}

export interface Edge {
  from: string;
  to: string;
  kind: ImportKind;
}

/** Relative imports of each file, resolved to paths in the set (`.js` names the `.ts` source). */
export function edges(files: Map<string, string>): Edge[] {
  const found: Edge[] = [];
  for (const [from, source] of files) {
    for (const { kind, specifier } of findImports(source)) {
      if (!specifier.startsWith('.') || specifier.endsWith('.json')) continue;
      const base = normalize(join(dirname(from), specifier));
      const candidates = [
        base.replace(/\.(m|c)?js$/, '.$1ts'),
        base,
        `${base}.ts`,
        join(base, 'index.ts'),
      ];
      found.push({
        from,
        to: candidates.find((path) => files.has(path)) ?? `${base} (missing)`,
        kind,
      });
    }
  }
  return found;
}

/** Every import that breaks the rules, as one readable line each. */
export function violations(files: Map<string, string>, arrows: Arrows): string[] {
  const wrong: string[] = [];
  for (const { from, to, kind } of edges(files)) {
    const [fromRoom, toRoom] = [roomOf(from), roomOf(to)];
    const what = `${from} -> ${to} (${kind} import)`;
    if (to.endsWith('(missing)')) wrong.push(`${what}: no such file`);
    else if (fromRoom === toRoom) continue;
    else if (!arrows.has(fromRoom)) wrong.push(`${what}: ${fromRoom} is not in the arrow table`);
    else if (!arrows.get(fromRoom)!.includes(toRoom))
      wrong.push(`${what}: ${fromRoom} may not import ${toRoom}`);
    else if (to !== `${toRoom}/index.ts`) wrong.push(`${what}: goes around ${toRoom}/index.ts`);
  }
  return wrong;
}

/** Import circles between files, each as `a -> b -> a`. */
export function circles(files: Map<string, string>): string[] {
  const graph = new Map<string, string[]>();
  for (const { from, to } of edges(files)) graph.set(from, [...(graph.get(from) ?? []), to]);
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      found.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of files.keys()) visit(file, []);
  return found;
}

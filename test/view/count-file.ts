// Count files for the viewer tests, built in memory by the same allocator live files use
// (counter/image.ts), so these tests need no build. The Go fixture covers Go's exact bytes.
import { writeFileSync } from 'node:fs';
import { buildHeader, type Meta } from '../../counter/countfile/index.js';
import { buildCountImage } from '../../counter/countfile/index.js';
import { encodeStack } from '../../counter/countfile/index.js';

/** A counter to write: a plain name, or a stack as [counter name, frames]. */
export type Entry = [name: string | [string, string[]], value: bigint];

export function writeCountFile(path: string, meta: Meta, entries: Entry[]): void {
  const header = buildHeader(meta);
  if (!header) throw new Error(`metadata too long for ${path}`);
  const named = entries.map(
    ([name, value]) =>
      [typeof name === 'string' ? name : encodeStack(name[0], name[1], 4096), value] as const,
  );
  writeFileSync(path, buildCountImage(header, named));
}

export function meta(program: string, version: string, begin: string, end: string): Meta {
  return {
    TimeBegin: `${begin}T00:00:00Z`,
    TimeEnd: `${end}T00:00:00Z`,
    Program: program,
    Version: version,
    Runtime: 'node20.19.0',
    OS: 'linux',
    Arch: 'x64',
  };
}

// Count files for the viewer tests, written straight from the format constants (DESIGN.md,
// "Count file"), so these tests need neither a build nor the counting engine. The Go fixture
// covers Go's exact bytes; these only have to parse.
import { writeFileSync } from 'node:fs';
import {
  LEN_MARK,
  PAGE_SIZE,
  REC_LEN_OFF,
  REC_NAME_OFF,
  REC_NEXT_OFF,
  bucketOf,
  buildHeader,
  littleEndian,
  placeRecord,
  recordSize,
  roundUp,
  type Meta,
} from '../../counter/format.js';
import { encodeStack } from '../../counter/stack-name.js';

/** A counter to write: a plain name, or a stack as [counter name, frames]. */
export type Entry = [name: string | [string, string[]], value: bigint];

export function writeCountFile(path: string, meta: Meta, entries: Entry[]): void {
  const header = buildHeader(meta);
  if (!header) throw new Error(`metadata too long for ${path}`);
  const le = littleEndian();
  const enc = new TextEncoder();
  const records: { start: number; name: Uint8Array; value: bigint }[] = [];
  let limit = 0;
  for (const [n, value] of entries) {
    const name = enc.encode(typeof n === 'string' ? n : encodeStack(n[0], n[1], 4096));
    const { start, end } = placeRecord(limit, header.length, recordSize(name.length));
    records.push({ start, name, value });
    limit = end;
  }
  const buf = new Uint8Array(Math.max(PAGE_SIZE, roundUp(limit, PAGE_SIZE)));
  const view = new DataView(buf.buffer);
  buf.set(header, 0);
  view.setUint32(header.length, limit, le);
  for (const r of records) {
    const head = header.length + 4 + 4 * bucketOf(r.name);
    view.setBigUint64(r.start, r.value, le);
    view.setUint32(r.start + REC_LEN_OFF, (LEN_MARK | r.name.length) >>> 0, le);
    view.setUint32(r.start + REC_NEXT_OFF, view.getUint32(head, le), le);
    buf.set(r.name, r.start + REC_NAME_OFF);
    view.setUint32(head, r.start, le);
  }
  writeFileSync(path, buf);
}

export function meta(program: string, version: string, begin: string, end: string): Meta {
  return { TimeBegin: `${begin}T00:00:00Z`, TimeEnd: `${end}T00:00:00Z`, Program: program, Version: version, Runtime: 'node20.19.0', OS: 'linux', Arch: 'x64' };
}

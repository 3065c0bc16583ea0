// A telemetry directory the viewer tests look at: Go's own count file, a copy of it moved one
// week on (same-length byte patches), two weeks of a Node tool with bucket families and a
// stack, one unreadable file, and recorded mode choices. Also builds the page's assets.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';
import { meta, writeCountFile, type Entry } from './count-file.js';

export const GO_FILE = 'gen@devel-go1.23.5-linux-amd64-2026-11-22.v1.count';
export const GO_FILE_WEEK2 = 'gen@devel-go1.23.5-linux-amd64-2026-11-29.v1.count';
export const GEN = 'golang.org/x/telemetry/gopeer/gen';
export const BROKEN = 'broken@1.0.0-node20-linux-x64-2026-11-26.v1.count';
export const MYTOOL_V2 = 'mytool@1.3.0-node20-linux-x64-2026-12-03.v1.count';

export const mytoolWeek1: Entry[] = [
  ['mytool/run', 12n],
  ['mytool/flag:verbose', 4n],
  ['mytool/flag:json', 7n],
  ['mytool/flag:quiet', 1n],
  ['mytool/exit:0', 11n],
  ['mytool/exit:1', 1n],
  [['mytool/crash', ['mytool/lib.parseArgs', 'mytool/lib.main', 'node:internal/main.run']], 2n],
];

export const mytoolWeek2: Entry[] = [
  ['mytool/run', 20n],
  ['mytool/flag:verbose', 9n],
  ['mytool/flag:json', 3n],
  ['mytool/flag:quiet', 5n],
  ['mytool/exit:0', 19n],
  ['mytool/exit:1', 1n],
];

export function makeTelemetryDir(): string {
  const root = tempDir('tt-view-');
  const local = join(root, 'local');
  mkdirSync(local, { recursive: true });
  const goSrc = join(ROOT, 'testdata', 'go', GO_FILE);
  copyFileSync(goSrc, join(local, GO_FILE));
  writeFileSync(join(local, GO_FILE_WEEK2), nextGoWeek(readFileSync(goSrc)));
  writeCountFile(
    join(local, 'mytool@1.2.0-node20-linux-x64-2026-11-26.v1.count'),
    meta('mytool', '1.2.0', '2026-11-19', '2026-11-26'),
    mytoolWeek1,
  );
  writeMytoolWeek2(root, mytoolWeek2);
  writeFileSync(join(local, BROKEN), 'not a count file\n');
  writeFileSync(join(root, 'mode'), 'on 2026-11-20');
  writeFileSync(
    join(root, 'program-modes.json'),
    JSON.stringify({ mytool: { mode: 'off', date: '2026-11-21' } }),
  );
  return root;
}

/** Replaces the file whole (write, then rename) so the polling page never reads half of it. */
export function writeMytoolWeek2(root: string, entries: Entry[]): void {
  const path = join(root, 'local', MYTOOL_V2);
  writeCountFile(`${path}.tmp`, meta('mytool', '1.3.0', '2026-11-26', '2026-12-03'), entries);
  renameSync(`${path}.tmp`, path);
}

/** Go's file one week later, with two values changed so the charts differ between weeks. */
function nextGoWeek(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  replaceOnce(out, 'TimeBegin: 2026-11-22', 'TimeBegin: 2026-11-29');
  replaceOnce(out, 'TimeEnd: 2026-11-26', 'TimeEnd: 2026-12-03');
  setValue(out, 'gen/bucket:1-10', 12n);
  setValue(out, 'gen/plain', 30n);
  return out;
}

function replaceOnce(buf: Buffer, from: string, target: string): void {
  const at = buf.indexOf(from);
  if (at < 0 || from.length !== target.length)
    throw new Error(`cannot patch ${JSON.stringify(from)}`);
  buf.write(target, at, 'latin1');
}

/** A record's value sits 16 bytes before its name (format.ts: REC_NAME_OFF). */
function setValue(buf: Buffer, name: string, value: bigint): void {
  const at = buf.indexOf(Buffer.from(name, 'utf8'));
  if (at < 0) throw new Error(`no counter ${name} in the fixture`);
  buf.writeBigUInt64LE(value, at - 16);
}

/** The page's assets, built as scripts/build.mjs builds them, into a fresh folder. */
export async function buildAssets(): Promise<string> {
  const out = tempDir('tt-view-assets-');
  const src = join(ROOT, 'cmd', 'telemetry', 'view');
  await build({
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
    entryPoints: [join(src, 'app.ts')],
    outfile: join(out, 'app.js'),
    logLevel: 'warning',
    minify: true,
    legalComments: 'none',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(src, f), join(out, f));
  return out;
}

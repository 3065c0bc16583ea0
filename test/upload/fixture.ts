// Telemetry directories for upload tests: count files with exact dates (countfile's image
// builder, the live allocator), per-program choices with their dates, declared collectors.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import {
  buildCountImage,
  buildHeader,
  countFileName,
  encodeStack,
} from '../../counter/countfile/index.js';
import {
  layout,
  recordProgram,
  writeMachineMode,
  writeProgramMode,
  type Collector,
  type Mode,
} from '../../counter/settings/index.js';

export interface FileSpec {
  program: string;
  version?: string;
  runtime?: string;
  os?: string;
  arch?: string;
  begin: string; // YYYY-MM-DD
  end: string; // YYYY-MM-DD
  counts: Record<string, number | bigint>;
}

/** Writes a count file under `<root>/local/` and returns its path. */
export function writeCountFile(root: string, spec: FileSpec): string {
  const meta = {
    TimeBegin: `${spec.begin}T00:00:00Z`,
    TimeEnd: `${spec.end}T00:00:00Z`,
    Program: spec.program,
    Version: spec.version ?? '1.0.0',
    Runtime: spec.runtime ?? 'node20.20.2',
    OS: spec.os ?? 'linux',
    Arch: spec.arch ?? 'x64',
  };
  const header = buildHeader(meta)!;
  const entries = Object.entries(spec.counts).map(
    ([key, value]) => [key.includes('\n') ? encodeStackName(key) : key, BigInt(value)] as const,
  );
  const dir = join(root, 'local');
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    countFileName(
      { name: spec.program, version: meta.Version },
      meta.Runtime,
      meta.OS,
      meta.Arch,
      spec.begin,
    ),
  );
  writeFileSync(file, buildCountImage(header, entries));
  return file;
}

function encodeStackName(name: string): string {
  const [prefix, ...frames] = name.split('\n');
  return encodeStack(prefix!, frames, 4096);
}

export function setMode(root: string, program: string | null, mode: Mode, day: string): void {
  const now = new Date(`${day}T12:00:00Z`);
  if (program === null) writeMachineMode(layout(root), mode, now);
  else writeProgramMode(layout(root), program, mode, now);
}

export function declare(root: string, program: string, collector?: Collector): void {
  recordProgram(layout(root), program, collector ? { collector } : {});
}

/** A directory where `tool` is on, names `collector`, and has one finished week of `tool/known`. */
export function oneWeekOn(prefix: string, collector: Collector): string {
  const root = tempDir(prefix);
  setMode(root, 'tool', 'on', '2026-11-01');
  declare(root, 'tool', collector);
  writeCountFile(root, {
    program: 'tool',
    begin: '2026-11-10',
    end: '2026-11-17',
    counts: { 'tool/known': 1 },
  });
  return root;
}

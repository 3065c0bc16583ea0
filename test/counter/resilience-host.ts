import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { bucketOf } from '../../counter/countfile/index.js';
import { cleanEnv, runFixture, tempDir } from '../helpers.js';

export const NOW = '2026-11-23T12:00:00Z';
export const base = { program: 'host', version: '1.0.0', now: NOW, after: [['host/ran', 1]] };

/** Runs the host; it must exit 0 and print its open() result. */
export function host(dir: string, extra: object = {}, env = cleanEnv()) {
  const r = runFixture('count.mjs', { ...base, dir, ...extra }, env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { mode: string; file: string | null; reason: string };
}

export function withDebug() {
  const dir = tempDir();
  mkdirSync(join(dir, 'debug'));
  mkdirSync(join(dir, 'local'));
  writeFileSync(join(dir, 'local', 'weekends'), '4\n');
  return dir;
}

/** A counter name that hashes to the same bucket as `name`, so looking it up walks `name`'s chain. */
export function inBucketOf(name: string): string {
  const want = bucketOf(Buffer.from(name));
  for (let i = 0; ; i++)
    if (bucketOf(Buffer.from(`host/same-${i}`)) === want) return `host/same-${i}`;
}

export const debugText = (dir: string) =>
  readdirSync(join(dir, 'debug'))
    .map((name) => readFileSync(join(dir, 'debug', name), 'utf8'))
    .join('');

// open({ collector }): checked in the entry like every other option, recorded in programs.json
// for the uploader, and removed when the program opens without one (its counts then go nowhere).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHost, telemetryDir } from './harness.js';

const KEY = 'example.com+4f2a9c1e+AVRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciB0aGUgbGF6eSBkb2cu';
const WITNESS =
  'witness.example.org/w1+0a1b2c3d+BFRoZSBxdWljayBicm93biBmb3gganVtcHMgb3ZlciB0aGUgbGF6eSBkb2cu';
const programs = (dir: string) => JSON.parse(readFileSync(join(dir, 'programs.json'), 'utf8'));

async function open(dir: string, collector: unknown) {
  const r = await runHost(dir, { program: 'col-tool', collector });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.split('\n')[0]!) as {
    mode: string;
    reason: string;
    file: string | null;
  };
}

describe('open({ collector })', () => {
  for (const url of [
    'https://telemetry.example.com',
    'https://telemetry.example.com/tools/col/',
    'http://127.0.0.1:8080',
    'http://127.1.2.3/',
    'http://[::1]:9/',
    'http://localhost:3000/base',
  ]) {
    it(`accepts ${url} and records it`, async () => {
      const dir = telemetryDir();
      expect((await open(dir, { url, key: KEY })).mode).toBe('local');
      expect(programs(dir)).toEqual({ 'col-tool': { collector: { url, key: KEY } } });
    });
  }

  for (const [collector, reason] of [
    [
      { url: 'http://telemetry.example.com', key: KEY },
      '.url must be https: (http: only to 127.0.0.1, ::1 or localhost)',
    ],
    [
      { url: 'http://10.0.0.1', key: KEY },
      '.url must be https: (http: only to 127.0.0.1, ::1 or localhost)',
    ],
    [
      { url: 'http://localhost.evil.example', key: KEY },
      '.url must be https: (http: only to 127.0.0.1, ::1 or localhost)',
    ],
    [
      { url: 'ftp://telemetry.example.com', key: KEY },
      '.url must be https: (http: only to 127.0.0.1, ::1 or localhost)',
    ],
    [{ url: 'telemetry.example.com', key: KEY }, '.url is not a URL'],
    [
      { url: 'https://user:pw@telemetry.example.com', key: KEY },
      '.url must not carry a user, password, query or fragment',
    ],
    [
      { url: 'https://telemetry.example.com/?id=1', key: KEY },
      '.url must not carry a user, password, query or fragment',
    ],
    [
      { url: 'https://telemetry.example.com/#x', key: KEY },
      '.url must not carry a user, password, query or fragment',
    ],
    [
      { url: 'https://telemetry.example.com', key: 'not a key' },
      '.key must be a verifier key (<name>+<key id>+<base64>)',
    ],
    [
      { url: 'https://telemetry.example.com', key: 'example.com+4F2A9C1E+AVRo' },
      '.key must be a verifier key (<name>+<key id>+<base64>)',
    ],
    [
      { url: 'https://telemetry.example.com', key: 'example.com+4f2a9c1+AVRo' },
      '.key must be a verifier key (<name>+<key id>+<base64>)',
    ],
    [
      { url: 'https://telemetry.example.com' },
      ' must be an object { url, key } of strings, got url string, key undefined',
    ],
    ['https://telemetry.example.com', ' must be an object { url, key }, got string'],
    [null, ' must be an object { url, key }, got null'],
    [
      { url: 'https://telemetry.example.com', key: KEY, witnesses: [] },
      '.witnesses must be a non-empty array of verifier keys',
    ],
    [
      { url: 'https://telemetry.example.com', key: KEY, witnesses: ['not a key'] },
      '.witnesses must be a non-empty array of verifier keys',
    ],
    [
      { url: 'https://telemetry.example.com', key: KEY, witnesses: WITNESS },
      '.witnesses must be a non-empty array of verifier keys',
    ],
    [{ url: 'https://telemetry.example.com', key: KEY, quorum: 1 }, '.quorum needs witnesses'],
    [
      { url: 'https://telemetry.example.com', key: KEY, witnesses: [WITNESS], quorum: 2 },
      '.quorum must be a whole number from 1 to 1',
    ],
    [
      { url: 'https://telemetry.example.com', key: KEY, witnesses: [WITNESS], quorum: 0.5 },
      '.quorum must be a whole number from 1 to 1',
    ],
  ] as const) {
    it(`refuses ${JSON.stringify(collector)}: counting off, nothing recorded`, async () => {
      const dir = telemetryDir();
      const r = await open(dir, collector);
      expect(r).toMatchObject({
        mode: 'off',
        file: null,
        reason: `open(): option collector${reason}`,
      });
      expect(existsSync(join(dir, 'programs.json'))).toBe(false);
    });
  }

  it('records pinned witnesses and a quorum with the collector', async () => {
    const dir = telemetryDir();
    const url = 'https://telemetry.example.com';
    await open(dir, { url, key: KEY, witnesses: [WITNESS], quorum: 1 });
    expect(programs(dir)).toEqual({
      'col-tool': { collector: { url, key: KEY, witnesses: [WITNESS], quorum: 1 } },
    });
  });

  it('keeps only url and key, and removes the collector when a later open() names none', async () => {
    const dir = telemetryDir();
    const url = 'https://telemetry.example.com';
    await open(dir, { url, key: KEY, extra: 'dropped' });
    expect(programs(dir)).toEqual({ 'col-tool': { collector: { url, key: KEY } } });
    await open(dir, undefined);
    expect(programs(dir)).toEqual({ 'col-tool': {} });
  });
});

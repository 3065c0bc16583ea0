// The day's token, taken by exactly one of the processes that saw the same version of it. Five
// real processes rarely interleave inside the few microseconds between a look and a take, so
// here the interleavings are made on purpose: a process that looked, then lost the race.
import { existsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeToken } from '../../counter/engine/upload-start.js';
import { tempDir } from '../helpers.js';

const DAY = 86_400_000;
const look = (token: string) => statSync(token, { bigint: true, throwIfNoEntry: false });

function staleToken(): string {
  const token = join(tempDir('tt-token-'), 'upload.token');
  writeFileSync(token, '');
  const t = new Date(Date.now() - 2 * DAY);
  utimesSync(token, t, t);
  return token;
}

describe('taking the token', () => {
  it('an absent token: the first create wins, a process that also saw it absent loses', () => {
    const token = join(tempDir('tt-token-'), 'upload.token');
    const seen = look(token);
    expect(seen).toBeUndefined();
    expect(takeToken(token, seen, new Date())).toBe(true);
    expect(takeToken(token, seen, new Date())).toBe(false);
  });

  it('a stale token: renewed once; a process that looked before the renewal loses when it claims after it', () => {
    const token = staleToken();
    const seenByA = look(token)!;
    const seenByB = look(token)!;
    const now = new Date();
    expect(takeToken(token, seenByA, now)).toBe(true);
    expect(Math.abs(statSync(token).mtimeMs - now.getTime())).toBeLessThan(1000);
    expect(takeToken(token, seenByB, now)).toBe(false);
    // and the token is left as A renewed it, with no claim lying around
    expect(Math.abs(statSync(token).mtimeMs - now.getTime())).toBeLessThan(1000);
  });

  it('a stale token: a process gives way while another holds its claim on the same version', () => {
    const token = staleToken();
    const seen = look(token)!;
    writeFileSync(`${token}.${seen.ino}-${seen.mtimeNs}`, ''); // another process, between its claim and its renewal
    expect(takeToken(token, seen, new Date())).toBe(false);
    expect(statSync(token).mtimeMs).toBeLessThan(Date.now() - DAY);
    expect(existsSync(`${token}.${seen.ino}-${seen.mtimeNs}`)).toBe(true);
  });

  it('a claim left by a process that died holding it is removed after a minute, and the next process renews', () => {
    const token = staleToken();
    const seen = look(token)!;
    const claim = `${token}.${seen.ino}-${seen.mtimeNs}`;
    writeFileSync(claim, '');
    const old = new Date(Date.now() - 2 * 60_000);
    utimesSync(claim, old, old);
    expect(takeToken(token, seen, new Date())).toBe(false);
    expect(existsSync(claim)).toBe(false);
    expect(takeToken(token, seen, new Date())).toBe(true);
  });
});

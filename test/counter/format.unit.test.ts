import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  buildHeader,
  firstRecordOffset,
  placeRecord,
  recordSize,
} from '../../counter/countfile/index.js';

const enc = (text: string) => new TextEncoder().encode(text);

describe('count-file format constants shared with Go', () => {
  it('hashes names into the same buckets as Go', () => {
    expect(bucketOf(enc('gophers'))).toBe(304);
    expect(bucketOf(enc('go/invocations'))).toBe(84);
    expect(bucketOf(enc('gopls/client:vscode'))).toBe(186);
  });

  it('sizes records in 32-byte units', () => {
    expect(recordSize(7)).toBe(32);
    expect(recordSize(4096)).toBe(4128);
  });

  it('puts the first record after the hash table', () => {
    expect(firstRecordOffset(192)).toBe(2272);
  });

  it('moves a record that would reach a page end to the next page', () => {
    expect(placeRecord(16384 - 64, 192, 32)).toEqual({ start: 16320, end: 16352 });
    expect(placeRecord(16384 - 32, 192, 32)).toEqual({ start: 16384, end: 16416 });
    expect(placeRecord(16384 - 64, 192, 64)).toEqual({ start: 16384, end: 16448 });
  });

  it('writes the prefix, the header length and the metadata in order', () => {
    const h = buildHeader({
      TimeBegin: '2026-11-23T00:00:00Z',
      TimeEnd: '2026-11-26T00:00:00Z',
      Program: 'p',
      Version: 'v1',
      Runtime: 'node20.20.2',
      OS: 'linux',
      Arch: 'x64',
    })!;
    const text = new TextDecoder().decode(h);
    expect(text.startsWith('# telemetry/counter file v1\n')).toBe(true);
    expect(h.length % 32).toBe(0);
    expect(new DataView(h.buffer).getUint32(28, true)).toBe(h.length);
    expect(text.slice(32).replace(/\0+$/, '')).toBe(
      'TimeBegin: 2026-11-23T00:00:00Z\nTimeEnd: 2026-11-26T00:00:00Z\nProgram: p\nVersion: v1\nRuntime: node20.20.2\nOS: linux\nArch: x64\n\n',
    );
  });

  it('refuses metadata over 512 bytes', () => {
    expect(
      buildHeader({
        TimeBegin: '',
        TimeEnd: '',
        Program: 'x'.repeat(600),
        Version: '',
        Runtime: '',
        OS: '',
        Arch: '',
      }),
    ).toBeNull();
  });
});

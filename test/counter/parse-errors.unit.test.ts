import { describe, expect, it } from 'vitest';
import { buildHeader } from '../../counter/countfile/index.js';
import { buildCountImage } from '../../counter/countfile/index.js';
import { CountFileError, bucketOf, parseCountFile } from '../../counter/countfile/index.js';
import { rawImage } from './craft.js';

const enc = (text: string) => new TextEncoder().encode(text);

const header = buildHeader({
  TimeBegin: '2026-11-23T00:00:00Z',
  TimeEnd: '2026-11-26T00:00:00Z',
  Program: 'p',
  Version: '1.0.0',
  Runtime: 'node20.20.2',
  OS: 'linux',
  Arch: 'x64',
})!;
const hdrLen = header.length;
const good = () =>
  buildCountImage(header, [
    ['a', 1n],
    ['b', 2n],
    ['c', 3n],
  ]);
const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
/** Offset of the first record, read through its bucket head. */
const recordOf = (bytes: Uint8Array, name: string) => {
  const img = parseCountFile('x', bytes); // sanity: the unmodified image is valid
  expect(img.counts.get(name)).toBeDefined();
  for (let i = 0; i < 512; i++) {
    const off = view(bytes).getUint32(hdrLen + 4 + 4 * i, true);
    if (off && new TextDecoder().decode(bytes.subarray(off + 16, off + 17)) === name)
      return { bucket: i, off };
  }
  throw new Error('not found');
};

function expectError(bytes: Uint8Array, code: CountFileError['code'], message: RegExp) {
  let err: unknown;
  try {
    parseCountFile('/t/f.v1.count', bytes);
  } catch (error) {
    err = error;
  }
  expect(err).toBeInstanceOf(CountFileError);
  expect((err as CountFileError).code).toBe(code);
  expect((err as Error).message).toMatch(/^\/t\/f\.v1\.count: /);
  expect((err as Error).message).toMatch(message);
}

describe("Go's rule for a file without TimeBegin", () => {
  const noBegin = () => {
    const b = good();
    const at = new TextDecoder().decode(b).indexOf('TimeBegin: ');
    b.set(new TextEncoder().encode('TimxBegin: '), at); // same length, as Go's own test does
    return b;
  };

  it('takes the date from the file name, the end one day later', () => {
    const { meta } = parseCountFile(
      '/t/p@1.0.0-node20.20.2-linux-x64-2026-11-23.v1.count',
      noBegin(),
    );
    expect(meta.TimeBegin).toBe('2026-11-23T00:00:00Z');
    expect(meta.TimeEnd).toBe('2026-11-24T00:00:00Z');
    expect(meta.TimxBegin).toBe('2026-11-23T00:00:00Z');
  });

  it('rejects a name without a date', () => {
    expect(() => parseCountFile('/t/p-2026-13-99.v1.count', noBegin())).toThrow(
      /invalid counter file name/,
    );
    expect(() => parseCountFile('/t/notes.txt', noBegin())).toThrow(
      /corrupt counter file: no TimeBegin/,
    );
  });
});

describe('the parser rejects, naming the file and the reason,', () => {
  it('a file shorter than 16 KiB', () =>
    expectError(good().subarray(0, 100), 'ETOOSHORT', /file too short \(100<16384\)/));

  it('a foreign header', () => {
    const b = good();
    b[2] = 'X'.charCodeAt(0);
    expectError(b, 'EBADHDR', /wrong hdr/);
  });

  it('a header length past 16 KiB', () => {
    const b = good();
    view(b).setUint32(28, 20000, true);
    expectError(b, 'ECORRUPT', /corrupt counter file: header length 20000/);
  });

  it('a header length that leaves no room for the hash table', () => {
    const b = good();
    view(b).setUint32(28, 16000, true);
    expectError(b, 'ECORRUPT', /hash table at 16004 runs past the end/);
  });

  it('a metadata line without ": "', () => {
    const b = good();
    const at = new TextDecoder().decode(b).indexOf('Program: ');
    b[at + 7] = '='.charCodeAt(0);
    expectError(b, 'ECORRUPT', /metadata line "Program= p"/);
  });

  it('a chain pointer into the header', () => {
    const b = good();
    const { bucket } = recordOf(b, 'a');
    view(b).setUint32(hdrLen + 4 + 4 * bucket, 8, true);
    expectError(b, 'ECORRUPT', /record offset 8 out of range/);
  });

  it('a chain pointer past the end', () => {
    const b = good();
    const { bucket } = recordOf(b, 'b');
    view(b).setUint32(hdrLen + 4 + 4 * bucket, b.length - 8, true);
    expectError(b, 'ECORRUPT', /out of range/);
  });

  it('a record with an empty name', () => {
    const b = good();
    const { off } = recordOf(b, 'c');
    view(b).setUint32(off + 8, 0xff000000, true);
    expectError(b, 'ECORRUPT', /empty name/);
  });

  it('a name running past the end', () => {
    const b = good();
    const { bucket } = recordOf(b, 'c');
    const off = b.length - 64;
    view(b).setUint32(off + 8, 0xff000000 | 100, true);
    view(b).setUint32(hdrLen + 4 + 4 * bucket, off, true);
    expectError(b, 'ECORRUPT', new RegExp(`record at offset ${off} runs past the end`));
  });

  it('a name longer than any writer stores (4096 bytes)', () => {
    const b = good();
    const { off } = recordOf(b, 'c');
    view(b).setUint32(off + 8, 0xff000000 | 4097, true);
    expectError(
      b,
      'ECORRUPT',
      new RegExp(`record at offset ${off} has a name of 4097 bytes \\(at most 4096\\)`),
    );
  });

  it('a chain that loops (the record overlaps itself)', () => {
    const b = good();
    const { off } = recordOf(b, 'a');
    view(b).setUint32(off + 12, off, true);
    expectError(b, 'ECORRUPT', new RegExp(`record at offset ${off} overlaps another record`));
  });

  it('a record that overlaps another one', () => {
    const b = good();
    const a = recordOf(b, 'a');
    const c = recordOf(b, 'c');
    view(b).setUint32(a.off + 8, 0xff000000 | (c.off - a.off), true); // a's name now covers c's record
    view(b).setUint32(hdrLen + 4 + 4 * a.bucket, 0, true);
    const name = b.subarray(a.off + 16, c.off + 16);
    const bucket = bucketOf(name);
    view(b).setUint32(a.off + 12, view(b).getUint32(hdrLen + 4 + 4 * bucket, true), true); // linked in its right bucket
    view(b).setUint32(hdrLen + 4 + 4 * bucket, a.off, true);
    expectError(b, 'ECORRUPT', /overlaps another record/);
  });

  it('a record offset that is not a multiple of 8', () => {
    const b = good();
    const { bucket, off } = recordOf(b, 'b');
    view(b).setUint32(hdrLen + 4 + 4 * bucket, off + 4, true);
    expectError(b, 'ECORRUPT', new RegExp(`record offset ${off + 4} is not a multiple of 8`));
  });

  it('the same name linked twice, in two records', () => {
    const b = rawImage([
      [enc('dup'), 1n],
      [enc('other'), 2n],
    ]);
    const at = Buffer.from(b).indexOf('other');
    b.set(enc('dup'), at); // "other" becomes a second "dup", moved to the bucket of "dup"
    view(b).setUint32(at - 8, 0xff000000 | 3, true);
    const off = at - 16;
    for (let i = 0; i < 512; i++)
      if (view(b).getUint32(hdrLen + 4 + 4 * i, true) === off)
        view(b).setUint32(hdrLen + 4 + 4 * i, 0, true);
    const dup = bucketOf(enc('dup'));
    view(b).setUint32(off + 12, view(b).getUint32(hdrLen + 4 + 4 * dup, true), true);
    view(b).setUint32(hdrLen + 4 + 4 * dup, off, true);
    expectError(b, 'ECORRUPT', /duplicate counter name/);
  });
});

describe('names that are not valid UTF-8', () => {
  it('stay distinct, each invalid byte shown as \\xHH', () => {
    const b = rawImage([
      [new Uint8Array([0x61, 0xff]), 1n],
      [new Uint8Array([0x61, 0xfe]), 2n],
      [enc('b'), 3n],
      [new Uint8Array([0xe6, 0x97, 0xa5, 0xc0, 0x41]), 4n],
    ]);
    const { counts } = parseCountFile('/t/f.v1.count', b);
    expect(counts).toEqual(
      new Map([
        ['a\\xff', 1n],
        ['a\\xfe', 2n],
        ['b', 3n],
        ['日\\xc0A', 4n],
      ]),
    );
  });

  it('two names that still read the same are reported, not merged', () => {
    const b = rawImage([
      [new Uint8Array([0x61, 0xff]), 1n],
      [enc('a\\xff'), 2n],
    ]);
    expectError(b, 'ECORRUPT', /two counter names read as "a\\\\xff"/);
  });

  it('two stack names that decode to the same stack are reported', () => {
    const b = rawImage([
      [enc('s\nm/x.f:+1\n".g:+2'), 1n],
      [enc('s\nm/x.f:+1\nm/x.g:+2'), 2n],
    ]);
    expectError(b, 'ECORRUPT', /two counter names read as "s\\nm\/x\.f:\+1\\nm\/x\.g:\+2"/);
  });
});

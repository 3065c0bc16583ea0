// Malformed notes and keys (config/tlog/note.ts, config/tlog/keys.ts): each refused with its
// own code and message; a note of exactly the size cap accepted.
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../config/tlog/keys.js';
import { MAX_NOTE_BYTES, signNote, verifyNote } from '../../config/tlog/note.js';
import { codeOf, sigKey } from './note-check.js';

describe('malformed notes and keys: each refused with its own code and message', () => {
  const k = generateKey('example.com/k', new Uint8Array(32).fill(1));
  const good = signNote('text\n', [k.signer]);
  const sigLine = good.slice('text\n\n'.length);
  const raw = Buffer.from(sigLine.slice('\u2014 example.com/k '.length, -1), 'base64');
  const withSig = (bytes: Uint8Array) =>
    `text\n\n\u2014 example.com/k ${Buffer.from(bytes).toString('base64')}\n`;
  const big = signNote('x'.repeat(MAX_NOTE_BYTES - Buffer.byteLength(good)) + 'text\n', [k.signer]);
  it.each([
    [
      'missing blank line',
      'text\n' + sigLine,
      'EMALFORMED: note has no blank line before its signatures',
    ],
    ['no final newline', good.slice(0, -1), 'EMALFORMED: note does not end with a newline'],
    [
      'no em dash',
      good.replace('\u2014', '-'),
      'EMALFORMED: signature line 1 does not start with an em dash and a space',
    ],
    [
      'en dash',
      good.replace('\u2014', '\u2013'),
      'EMALFORMED: signature line 1 does not start with an em dash and a space',
    ],
    [
      'bad base64',
      good.replace(/ (\S+)\n$/, ' $1!\n'),
      'ESIGLINE: signature line 1: signature is not standard padded base64',
    ],
    [
      'no padding',
      good.replace(/=\n$/, '\n'),
      'ESIGLINE: signature line 1: signature is not standard padded base64',
    ],
    [
      'url base64',
      withSig(raw).replace(/[+/]/g, (char) => (char === '+' ? '-' : '_')),
      'ESIGLINE: signature line 1: signature is not standard padded base64',
    ],
    [
      'too short',
      withSig(raw.subarray(0, 4)),
      'ESIGLINE: signature line 1: 4 bytes, too short for a key id and a signature',
    ],
    [
      '63-byte signature',
      withSig(raw.subarray(0, 67)),
      'EBADSIG: signature by example.com/k+' +
        sigKey(raw) +
        ' is 63 bytes, an ed25519 signature is 64',
    ],
    [
      '101 signatures',
      'text\n\n' + sigLine.repeat(101),
      'ETOOMANY: note has 101 signatures, at most 100',
    ],
    ['oversized note', 'x' + big, `ETOOBIG: note is over ${MAX_NOTE_BYTES} bytes`],
    [
      'oversized in utf-8 only',
      '\u00e9' + big.slice(1),
      `ETOOBIG: note is over ${MAX_NOTE_BYTES} bytes`,
    ],
    [
      'name with +',
      good.replace('example.com/k', 'example.com+k'),
      'ESIGLINE: signature line 1: key name "example.com+k" contains \'+\'',
    ],
    [
      'carriage return',
      good.replace('text\n', 'text\r\n'),
      'EENCODING: note has control character U+000d on line 1',
    ],
    ['lone surrogate', '\ud800' + good, 'EENCODING: note has text that is not unicode on line 1'],
  ])('%s', (_, note, want) => {
    expect(codeOf(() => verifyNote(note, [k.verifier]))).toBe(want);
  });

  it('accepts a note of exactly the size cap', () => {
    expect(Buffer.byteLength(big)).toBe(MAX_NOTE_BYTES);
    expect(verifyNote(big, [k.verifier]).verifiedBy).toEqual(['example.com/k']);
    expect(codeOf(() => signNote('x' + big.slice(0, big.indexOf('\n\n') + 1), [k.signer]))).toBe(
      `ETOOBIG: signed note would be over ${MAX_NOTE_BYTES} bytes`,
    );
  });

  it.each([
    ['wrong length verifier', k.verifier.slice(0, -4) + 'AAAA', /^EKEYID: /],
    [
      '33-byte key',
      k.verifier.split('+').slice(0, 2).join('+') + '+' + Buffer.alloc(34, 1).toString('base64'),
      /^EKEYLENGTH: .*ed25519 key is 33 bytes, want 32$/,
    ],
    [
      '31-byte key',
      k.verifier.split('+').slice(0, 2).join('+') + '+' + Buffer.alloc(32, 1).toString('base64'),
      /^EKEYLENGTH: .*ed25519 key is 31 bytes, want 32$/,
    ],
    [
      'two parts',
      'example.com/k+' + k.verifier.split('+')[2],
      /^EKEYFORMAT: verifier key is not <name>\+<key id>\+<key>$/,
    ],
    [
      'short key id',
      k.verifier.replace(/\+[0-9a-f]{8}\+/, '+abc+'),
      /^EKEYFORMAT: .*key id is not 8 hex digits$/,
    ],
  ])('refuses the verifier key: %s', (_, key, want) => {
    expect(codeOf(() => verifyNote(good, [key]))).toMatch(want);
  });
});

// config/tlog/keys.ts and config/tlog/note.ts against Go's own test values, C2SP's examples and a table of
// malformed notes and keys (Go's implementation itself runs in note-go.test.ts).
import { describe, expect, it } from 'vitest';
import { KeyError, generateKey, parseSigner, parseVerifier } from '../../config/tlog/keys.js';
import { MAX_NOTE_BYTES, NoteError, signNote, verifyNote } from '../../config/tlog/note.js';
import * as V from './note-vectors.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof NoteError || e instanceof KeyError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

describe("Go's note_test.go values (golang.org/x/mod v0.27.0)", () => {
  it('parses the keys; signer and verifier agree', () => {
    const s = parseSigner(V.PETER_SIGNER);
    const v = parseVerifier(V.PETER_VERIFIER);
    expect([s.name, s.keyId, Buffer.from(s.publicKey)]).toEqual([v.name, 0xc74f20a3, Buffer.from(v.publicKey)]);
    expect(parseVerifier(V.ENOCH_VERIFIER).keyId).toBe(0xaf0cfe78);
  });

  it('refuses every proper substring and every one-byte change of the keys (TestNewVerifier, TestNewSigner)', () => {
    for (const [key, parse] of [[V.PETER_VERIFIER, parseVerifier], [V.PETER_SIGNER, parseSigner]] as const) {
      const accepted: string[] = [];
      for (let i = 0; i <= key.length; i++) for (let j = i + 1; j <= key.length; j++) {
        if ((i !== 0 || j !== key.length) && !codeOf(() => parse(key.slice(i, j))).startsWith('EKEY')) accepted.push(key.slice(i, j));
      }
      for (let i = 0; i < key.length; i++) {
        const k = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        if (!codeOf(() => parse(k)).startsWith('EKEY')) accepted.push(k);
      }
      expect(accepted).toEqual([]);
    }
    expect(codeOf(() => parseVerifier(V.GO_WRONG_LENGTH))).toBe('EKEYLENGTH: verifier key PeterNeumann: ed25519 key is 36 bytes, want 32');
    expect(codeOf(() => parseVerifier(V.GO_UNKNOWN_ALG))).toMatch(/^EKEYALG: .*signature type 0x65 is not supported/);
  });

  it('signs exactly as TestSign expects, and refuses a text without a final newline', () => {
    expect(signNote(V.GO_TEXT, [V.PETER_SIGNER])).toBe(`${V.GO_TEXT}\n${V.PETER_SIG}`);
    expect(codeOf(() => signNote('abc', [V.PETER_SIGNER]))).toBe('EMALFORMED: note text does not end with a newline');
  });

  it('opens as TestOpen expects: one, both or none of two signatures verified', () => {
    const note = `${V.GO_TEXT}\n${V.PETER_SIG}${V.ENOCH_SIG}`;
    expect(verifyNote(note, [V.PETER_VERIFIER])).toEqual({ text: V.GO_TEXT, verifiedBy: ['PeterNeumann'] });
    expect(verifyNote(note, [V.PETER_VERIFIER, V.ENOCH_VERIFIER]).verifiedBy).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(codeOf(() => verifyNote(note, []))).toBe(
      'EUNVERIFIED: note is not signed by any of the 0 given keys (signed by PeterNeumann+c74f20a3, EnochRoot+af0cfe78)',
    );
  });

  it('refuses 101 signatures, an invalid signature, and skips repeats as Go does', () => {
    const many = `${V.GO_TEXT}\n${V.PETER_SIG.repeat(101)}`;
    expect(codeOf(() => verifyNote(many, [V.PETER_VERIFIER]))).toBe('ETOOMANY: note has 101 signatures, at most 100');
    expect(codeOf(() => verifyNote(many, []))).toMatch(/^ETOOMANY/);
    expect(verifyNote(`${V.GO_TEXT}\n${V.PETER_SIG.repeat(100)}`, [V.PETER_VERIFIER]).verifiedBy).toEqual(['PeterNeumann']);
    const bad = `${V.GO_TEXT}\n${V.insertAtByte(V.PETER_SIG, 60, 'ABCD')}`;
    expect(codeOf(() => verifyNote(bad, [V.PETER_VERIFIER]))).toBe('EBADSIG: signature by PeterNeumann+c74f20a3 is 67 bytes, an ed25519 signature is 64');
    // Go: repeated signatures by one verifier are dropped, unknown ones ignored (even invalid).
    const dup = `${V.GO_TEXT}\n${V.PETER_SIG}${V.PETER_SIG}${V.ENOCH_SIG}${V.ENOCH_SIG}${V.insertAtByte(V.ENOCH_SIG, 60, 'ABCD')}`;
    expect(verifyNote(dup, [V.PETER_VERIFIER]).verifiedBy).toEqual(['PeterNeumann']);
  });

  it.each(V.GO_BAD_MSGS)("refuses Go's bad message: $what", ({ msg, code }) => {
    expect(codeOf(() => verifyNote(msg, [V.PETER_VERIFIER]))).toMatch(new RegExp(`^${code}: `));
  });

  it('refuses two verifier keys with one name and key id (Go: only once a signature uses them)', () => {
    const note = `${V.GO_TEXT}\n${V.PETER_SIG}`;
    expect(codeOf(() => verifyNote(note, [V.ENOCH_VERIFIER, V.PETER_VERIFIER, V.ENOCH_VERIFIER]))).toBe(
      'EAMBIGUOUS: two verifier keys are named EnochRoot+af0cfe78',
    );
  });
});

describe("C2SP's examples (c2sp.org/signed-note v1.0.0)", () => {
  it('the example verifier key verifies the example note', () => {
    expect(verifyNote(V.C2SP_NOTE, [V.C2SP_VERIFIER])).toEqual({ text: 'This is an example message.\n', verifiedBy: ['example.com/foo'] });
    expect(codeOf(() => verifyNote(V.C2SP_NOTE.replace('example message', 'example massage'), [V.C2SP_VERIFIER]))).toMatch(/^EBADSIG: .*does not verify/);
  });

  it('the poem: text up to the last blank line, its unknown signature ignored', () => {
    const poem = `${V.C2SP_POEM_TEXT}\n${V.C2SP_POEM_SIG}`;
    expect(codeOf(() => verifyNote(poem, [V.C2SP_VERIFIER]))).toBe(
      'EUNVERIFIED: note is not signed by any of the 1 given keys (signed by quasimodo.example/salvatore+367ba04b)',
    );
    // Same name, other key: name matches, key id does not, so the published signature is ignored.
    const mine = generateKey('quasimodo.example/salvatore');
    const both = signNote(V.C2SP_POEM_TEXT, [mine.signer]) + V.C2SP_POEM_SIG;
    expect(verifyNote(both, [mine.verifier])).toEqual({ text: V.C2SP_POEM_TEXT, verifiedBy: ['quasimodo.example/salvatore'] });
  });
});

describe('keys', () => {
  it('generates self-consistent keys in the text forms; a seed makes them reproducible', () => {
    const seed = new Uint8Array(32).fill(7);
    const a = generateKey('example.com/log', seed);
    expect(a).toEqual(generateKey('example.com/log', seed));
    expect(a.signer).toMatch(/^PRIVATE\+KEY\+example\.com\/log\+[0-9a-f]{8}\+AQcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH$/);
    expect(parseVerifier(a.verifier).keyId).toBe(parseSigner(a.signer).keyId);
    expect(a).not.toEqual(generateKey('example.com/log'));
    const note = signNote('hello\n', [a.signer]);
    expect(verifyNote(note, [a.verifier]).verifiedBy).toEqual(['example.com/log']);
  });

  it.each([
    ['a+b', "EKEYNAME: key name \"a+b\" contains '+'"],
    ['', 'EKEYNAME: key name "" is empty'],
    ['a b', 'EKEYNAME: key name "a b" contains a space'],
    ['a\u00a0b', 'EKEYNAME: key name "a\u00a0b" contains a space'],
    ['a\u0085b', 'EKEYNAME: key name "a\u0085b" contains a space'],
    ['a\u3000b', 'EKEYNAME: key name "a\u3000b" contains a space'],
    ['a\u0007b', 'EKEYNAME: key name "a\\u0007b" contains a control character'],
    ['a\ud800b', 'EKEYNAME: key name "a\\ud800b" is not valid unicode'],
  ])('refuses the key name %j', (name, want) => {
    expect(codeOf(() => generateKey(name))).toBe(want);
  });

  it('takes U+FEFF in a name, as Go does (it is no Unicode space), and uppercase hex key ids', () => {
    expect(parseVerifier(generateKey('a\ufeffb').verifier).name).toBe('a\ufeffb');
    expect(parseVerifier(V.PETER_VERIFIER.replace('c74f20a3', 'C74F20A3')).keyId).toBe(0xc74f20a3);
  });

  it('never puts a private key into an error message', () => {
    const seed64 = V.PETER_SIGNER.split('+').slice(4).join('+');
    const inputs = [V.PETER_SIGNER.replace('c74f20a3', 'c74f20a4'), V.PETER_SIGNER.slice(0, -4), V.PETER_SIGNER.replace('AYEK', 'AiEK'),
      V.PETER_SIGNER.replace('PRIVATE', 'PRIVAT'), V.PETER_SIGNER + 'A', V.PETER_SIGNER.replace('+AYEK', '+AYEK ')];
    const messages = [...inputs.map((k) => codeOf(() => parseSigner(k))), codeOf(() => parseVerifier(V.PETER_SIGNER)),
      ...inputs.map((k) => codeOf(() => signNote('x\n', [k])))];
    for (const m of messages) {
      expect(m).toMatch(/^EKEY/);
      for (let i = 0; i + 6 <= seed64.length; i++) expect(m).not.toContain(seed64.slice(i, i + 6));
    }
  });
});

describe('malformed notes and keys: each refused with its own code and message', () => {
  const k = generateKey('example.com/k', new Uint8Array(32).fill(1));
  const good = signNote('text\n', [k.signer]);
  const sigLine = good.slice('text\n\n'.length);
  const raw = Buffer.from(sigLine.slice('\u2014 example.com/k '.length, -1), 'base64');
  const withSig = (bytes: Uint8Array) => `text\n\n\u2014 example.com/k ${Buffer.from(bytes).toString('base64')}\n`;
  const big = signNote('x'.repeat(MAX_NOTE_BYTES - Buffer.byteLength(good)) + 'text\n', [k.signer]);
  it.each([
    ['missing blank line', 'text\n' + sigLine, 'EMALFORMED: note has no blank line before its signatures'],
    ['no final newline', good.slice(0, -1), 'EMALFORMED: note does not end with a newline'],
    ['no em dash', good.replace('\u2014', '-'), 'EMALFORMED: signature line 1 does not start with an em dash and a space'],
    ['en dash', good.replace('\u2014', '\u2013'), 'EMALFORMED: signature line 1 does not start with an em dash and a space'],
    ['bad base64', good.replace(/ (\S+)\n$/, ' $1!\n'), 'ESIGLINE: signature line 1: signature is not standard padded base64'],
    ['no padding', good.replace(/=\n$/, '\n'), 'ESIGLINE: signature line 1: signature is not standard padded base64'],
    ['url base64', withSig(raw).replace(/[+/]/g, (c) => (c === '+' ? '-' : '_')), 'ESIGLINE: signature line 1: signature is not standard padded base64'],
    ['too short', withSig(raw.subarray(0, 4)), 'ESIGLINE: signature line 1: 4 bytes, too short for a key id and a signature'],
    ['63-byte signature', withSig(raw.subarray(0, 67)), 'EBADSIG: signature by example.com/k+' + sigKey(raw) + ' is 63 bytes, an ed25519 signature is 64'],
    ['101 signatures', 'text\n\n' + sigLine.repeat(101), 'ETOOMANY: note has 101 signatures, at most 100'],
    ['oversized note', 'x' + big, `ETOOBIG: note is over ${MAX_NOTE_BYTES} bytes`],
    ['oversized in utf-8 only', '\u00e9' + big.slice(1), `ETOOBIG: note is over ${MAX_NOTE_BYTES} bytes`],
    ['name with +', good.replace('example.com/k', 'example.com+k'), 'ESIGLINE: signature line 1: key name "example.com+k" contains \'+\''],
    ['carriage return', good.replace('text\n', 'text\r\n'), 'EENCODING: note has control character U+000d on line 1'],
    ['lone surrogate', '\ud800' + good, 'EENCODING: note has text that is not unicode on line 1'],
  ])('%s', (_, note, want) => {
    expect(codeOf(() => verifyNote(note, [k.verifier]))).toBe(want);
  });

  it('accepts a note of exactly the size cap', () => {
    expect(Buffer.byteLength(big)).toBe(MAX_NOTE_BYTES);
    expect(verifyNote(big, [k.verifier]).verifiedBy).toEqual(['example.com/k']);
    expect(codeOf(() => signNote('x' + big.slice(0, big.indexOf('\n\n') + 1), [k.signer]))).toBe(`ETOOBIG: signed note would be over ${MAX_NOTE_BYTES} bytes`);
  });

  it.each([
    ['wrong length verifier', k.verifier.slice(0, -4) + 'AAAA', /^EKEYID: /],
    ['33-byte key', k.verifier.split('+').slice(0, 2).join('+') + '+' + Buffer.alloc(34, 1).toString('base64'), /^EKEYLENGTH: .*ed25519 key is 33 bytes, want 32$/],
    ['31-byte key', k.verifier.split('+').slice(0, 2).join('+') + '+' + Buffer.alloc(32, 1).toString('base64'), /^EKEYLENGTH: .*ed25519 key is 31 bytes, want 32$/],
    ['two parts', 'example.com/k+' + k.verifier.split('+')[2], /^EKEYFORMAT: verifier key is not <name>\+<key id>\+<key>$/],
    ['short key id', k.verifier.replace(/\+[0-9a-f]{8}\+/, '+abc+'), /^EKEYFORMAT: .*key id is not 8 hex digits$/],
  ])('refuses the verifier key: %s', (_, key, want) => {
    expect(codeOf(() => verifyNote(good, [key]))).toMatch(want);
  });
});

function sigKey(raw: Uint8Array): string {
  return Buffer.from(raw.subarray(0, 4)).toString('hex');
}

// config/tlog/keys.ts and config/tlog/note.ts against Go's own test values, C2SP's examples and keys made
// here (malformed ones: note-malformed.unit.test.ts; Go's implementation itself: note-go.test.ts).
import { describe, expect, it } from 'vitest';
import { generateKey, parseSigner, parseVerifier } from '../../config/tlog/keys.js';
import { signNote, verifyNote } from '../../config/tlog/note.js';
import * as V from './note-vectors.js';
import { codeOf } from './note-check.js';

describe("Go's note_test.go values (golang.org/x/mod v0.27.0)", () => {
  it('parses the keys; signer and verifier agree', () => {
    const s = parseSigner(V.PETER_SIGNER);
    const v = parseVerifier(V.PETER_VERIFIER);
    expect([s.name, s.keyId, Buffer.from(s.publicKey)]).toEqual([
      v.name,
      0xc74f20a3,
      Buffer.from(v.publicKey),
    ]);
    expect(parseVerifier(V.ENOCH_VERIFIER).keyId).toBe(0xaf0cfe78);
  });

  it('refuses every proper substring and every one-byte change of the keys (TestNewVerifier, TestNewSigner)', () => {
    for (const [key, parse] of [
      [V.PETER_VERIFIER, parseVerifier],
      [V.PETER_SIGNER, parseSigner],
    ] as const) {
      const accepted: string[] = [];
      for (let i = 0; i <= key.length; i++)
        for (let j = i + 1; j <= key.length; j++) {
          if (
            (i !== 0 || j !== key.length) &&
            !codeOf(() => parse(key.slice(i, j))).startsWith('EKEY')
          )
            accepted.push(key.slice(i, j));
        }
      for (let i = 0; i < key.length; i++) {
        const k = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        if (!codeOf(() => parse(k)).startsWith('EKEY')) accepted.push(k);
      }
      expect(accepted).toEqual([]);
    }
    expect(codeOf(() => parseVerifier(V.GO_WRONG_LENGTH))).toBe(
      'EKEYLENGTH: verifier key PeterNeumann: ed25519 key is 36 bytes, want 32',
    );
    expect(codeOf(() => parseVerifier(V.GO_UNKNOWN_ALG))).toMatch(
      /^EKEYALG: .*signature type 0x65 is not supported/,
    );
  });

  it('signs exactly as TestSign expects, and refuses a text without a final newline', () => {
    expect(signNote(V.GO_TEXT, [V.PETER_SIGNER])).toBe(`${V.GO_TEXT}\n${V.PETER_SIG}`);
    expect(codeOf(() => signNote('abc', [V.PETER_SIGNER]))).toBe(
      'EMALFORMED: note text does not end with a newline',
    );
  });

  it('opens as TestOpen expects: one, both or none of two signatures verified', () => {
    const note = `${V.GO_TEXT}\n${V.PETER_SIG}${V.ENOCH_SIG}`;
    expect(verifyNote(note, [V.PETER_VERIFIER])).toEqual({
      text: V.GO_TEXT,
      verifiedBy: ['PeterNeumann'],
    });
    expect(verifyNote(note, [V.PETER_VERIFIER, V.ENOCH_VERIFIER]).verifiedBy).toEqual([
      'PeterNeumann',
      'EnochRoot',
    ]);
    expect(codeOf(() => verifyNote(note, []))).toBe(
      'EUNVERIFIED: note is not signed by any of the 0 given keys (signed by PeterNeumann+c74f20a3, EnochRoot+af0cfe78)',
    );
  });

  it('refuses 101 signatures, an invalid signature, and skips repeats as Go does', () => {
    const many = `${V.GO_TEXT}\n${V.PETER_SIG.repeat(101)}`;
    expect(codeOf(() => verifyNote(many, [V.PETER_VERIFIER]))).toBe(
      'ETOOMANY: note has 101 signatures, at most 100',
    );
    expect(codeOf(() => verifyNote(many, []))).toMatch(/^ETOOMANY/);
    expect(
      verifyNote(`${V.GO_TEXT}\n${V.PETER_SIG.repeat(100)}`, [V.PETER_VERIFIER]).verifiedBy,
    ).toEqual(['PeterNeumann']);
    const bad = `${V.GO_TEXT}\n${V.insertAtByte(V.PETER_SIG, 60, 'ABCD')}`;
    expect(codeOf(() => verifyNote(bad, [V.PETER_VERIFIER]))).toBe(
      'EBADSIG: signature by PeterNeumann+c74f20a3 is 67 bytes, an ed25519 signature is 64',
    );
    // Go: repeated signatures by one verifier are dropped, unknown ones ignored (even invalid).
    const dup = `${V.GO_TEXT}\n${V.PETER_SIG}${V.PETER_SIG}${V.ENOCH_SIG}${V.ENOCH_SIG}${V.insertAtByte(V.ENOCH_SIG, 60, 'ABCD')}`;
    expect(verifyNote(dup, [V.PETER_VERIFIER]).verifiedBy).toEqual(['PeterNeumann']);
  });

  it.each(V.GO_BAD_MSGS)("refuses Go's bad message: $what", ({ msg, code }) => {
    expect(codeOf(() => verifyNote(msg, [V.PETER_VERIFIER]))).toMatch(new RegExp(`^${code}: `));
  });

  it('refuses two verifier keys with one name and key id (Go: only once a signature uses them)', () => {
    const note = `${V.GO_TEXT}\n${V.PETER_SIG}`;
    expect(
      codeOf(() => verifyNote(note, [V.ENOCH_VERIFIER, V.PETER_VERIFIER, V.ENOCH_VERIFIER])),
    ).toBe('EAMBIGUOUS: two verifier keys are named EnochRoot+af0cfe78');
  });
});

describe("C2SP's examples (c2sp.org/signed-note v1.0.0)", () => {
  it('the example verifier key verifies the example note', () => {
    expect(verifyNote(V.C2SP_NOTE, [V.C2SP_VERIFIER])).toEqual({
      text: 'This is an example message.\n',
      verifiedBy: ['example.com/foo'],
    });
    expect(
      codeOf(() =>
        verifyNote(V.C2SP_NOTE.replace('example message', 'example massage'), [V.C2SP_VERIFIER]),
      ),
    ).toMatch(/^EBADSIG: .*does not verify/);
  });

  it('the poem: text up to the last blank line, its unknown signature ignored', () => {
    const poem = `${V.C2SP_POEM_TEXT}\n${V.C2SP_POEM_SIG}`;
    expect(codeOf(() => verifyNote(poem, [V.C2SP_VERIFIER]))).toBe(
      'EUNVERIFIED: note is not signed by any of the 1 given keys (signed by quasimodo.example/salvatore+367ba04b)',
    );
    // Same name, other key: name matches, key id does not, so the published signature is ignored.
    const mine = generateKey('quasimodo.example/salvatore');
    const both = signNote(V.C2SP_POEM_TEXT, [mine.signer]) + V.C2SP_POEM_SIG;
    expect(verifyNote(both, [mine.verifier])).toEqual({
      text: V.C2SP_POEM_TEXT,
      verifiedBy: ['quasimodo.example/salvatore'],
    });
  });
});

describe('keys', () => {
  it('generates self-consistent keys in the text forms; a seed makes them reproducible', () => {
    const seed = new Uint8Array(32).fill(7);
    const a = generateKey('example.com/log', seed);
    expect(a).toEqual(generateKey('example.com/log', seed));
    expect(a.signer).toMatch(
      /^PRIVATE\+KEY\+example\.com\/log\+[0-9a-f]{8}\+AQcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH$/,
    );
    expect(parseVerifier(a.verifier).keyId).toBe(parseSigner(a.signer).keyId);
    expect(a).not.toEqual(generateKey('example.com/log'));
    const note = signNote('hello\n', [a.signer]);
    expect(verifyNote(note, [a.verifier]).verifiedBy).toEqual(['example.com/log']);
  });

  it.each([
    ['a+b', 'EKEYNAME: key name "a+b" contains \'+\''],
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
    const inputs = [
      V.PETER_SIGNER.replace('c74f20a3', 'c74f20a4'),
      V.PETER_SIGNER.slice(0, -4),
      V.PETER_SIGNER.replace('AYEK', 'AiEK'),
      V.PETER_SIGNER.replace('PRIVATE', 'PRIVAT'),
      V.PETER_SIGNER + 'A',
      V.PETER_SIGNER.replace('+AYEK', '+AYEK '),
    ];
    const messages = [
      ...inputs.map((input) => codeOf(() => parseSigner(input))),
      codeOf(() => parseVerifier(V.PETER_SIGNER)),
      ...inputs.map((input) => codeOf(() => signNote('x\n', [input]))),
    ];
    for (const m of messages) {
      expect(m).toMatch(/^EKEY/);
      for (let i = 0; i + 6 <= seed64.length; i++) expect(m).not.toContain(seed64.slice(i, i + 6));
    }
  });
});

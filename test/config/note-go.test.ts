// config/tlog/note.ts side by side with Go's own golang.org/x/mod/sumdb/note (test/go/note, pinned in
// test/go/go.mod): keys, signatures and notes made by either are taken by the other, and what
// one refuses the other refuses too. Without go this skips locally and fails in CI (go.ts).
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKey, parseSigner, parseVerifier } from '../../config/tlog/keys.js';
import { NoteError, signNote, verifyNote } from '../../config/tlog/note.js';
import { goProgram, skipGo } from '../go-interop/go.js';
import * as V from './note-vectors.js';

interface GoResult {
  signer?: string;
  verifier?: string;
  note?: string;
  text?: string;
  verified?: string[];
  error?: string;
}

let bin = '';
beforeAll(() => {
  if (!skipGo) bin = goProgram('note');
});

/** One run of Go's program for a batch of requests. */
function go(reqs: object[]): GoResult[] {
  const r = spawnSync(bin, { input: JSON.stringify(reqs), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`go note failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as GoResult[];
}

const open = (note: string | Uint8Array, verifiers: string[]) => ({
  op: 'open',
  verifiers,
  note: Buffer.from(note).toString('base64'),
});

function ours(note: string | Uint8Array, verifiers: string[]): string {
  try {
    return verifyNote(note, verifiers).verifiedBy.join(',');
  } catch (error) {
    if (error instanceof NoteError) return error.code;
    throw error;
  }
}

const TEXTS = [
  'hello\n',
  'line one\n\nline three after a blank line\n',
  'ünïcödé — \ufeff 𝄞\n',
  '\n',
  'a\n\n\n',
];

describe.skipIf(skipGo)("Go's golang.org/x/mod/sumdb/note and ours", () => {
  it('keys and notes Go generates parse and verify with ours; ours sign them byte for byte as Go does', () => {
    const got = go(TEXTS.map((text, i) => ({ op: 'gen', name: `go.example/key${i}`, text })));
    got.forEach((result, i) => {
      expect(result.error).toBeUndefined();
      const s = parseSigner(result.signer!);
      const v = parseVerifier(result.verifier!);
      expect([s.name, s.keyId, Buffer.from(s.publicKey)]).toEqual([
        v.name,
        v.keyId,
        Buffer.from(v.publicKey),
      ]);
      expect(verifyNote(result.note!, [result.verifier!])).toEqual({
        text: TEXTS[i],
        verifiedBy: [`go.example/key${i}`],
      });
      expect(signNote(TEXTS[i]!, [result.signer!])).toBe(result.note);
    });
  });

  it('keys and notes ours generate parse and verify with Go; the same seed gives identical notes', () => {
    const keys = TEXTS.map((_, i) =>
      generateKey(`ts.example/key${i}`, i % 2 ? new Uint8Array(32).fill(i) : undefined),
    );
    const two = [keys[0]!.signer, keys[1]!.signer];
    const mine = TEXTS.map((text, i) => signNote(text, i === 0 ? two : [keys[i]!.signer]));
    const got = go([
      ...TEXTS.map((text, i) => ({ op: 'sign', signers: i === 0 ? two : [keys[i]!.signer], text })),
      ...mine.map((note, i) =>
        open(note, i === 0 ? [keys[1]!.verifier, keys[0]!.verifier] : [keys[i]!.verifier]),
      ),
    ]);
    TEXTS.forEach((text, i) => {
      expect(got[i]).toEqual({ note: mine[i] });
      expect(got[TEXTS.length + i]).toEqual({
        text,
        verified: i === 0 ? ['ts.example/key0', 'ts.example/key1'] : [`ts.example/key${i}`],
      });
    });
  });

  it("Go's test vectors and C2SP's example open in Go as in ours", () => {
    const cases: Array<[string | Uint8Array, string[]]> = [
      [`${V.GO_TEXT}\n${V.PETER_SIG}${V.ENOCH_SIG}`, [V.PETER_VERIFIER, V.ENOCH_VERIFIER]],
      [V.C2SP_NOTE, [V.C2SP_VERIFIER]],
      ...V.GO_BAD_MSGS.map((bad): [Uint8Array, string[]] => [bad.msg, [V.PETER_VERIFIER]]),
    ];
    const got = go(cases.map(([note, keys]) => open(note, keys)));
    expect(got.map((result) => result.verified?.join(',') ?? result.error)).toEqual([
      'PeterNeumann,EnochRoot',
      'example.com/foo',
      ...V.GO_BAD_MSGS.map(() => 'malformed note'),
    ]);
    expect(cases.map(([note, keys]) => ours(note, keys))).toEqual([
      'PeterNeumann,EnochRoot',
      'example.com/foo',
      ...V.GO_BAD_MSGS.map((bad) => bad.code),
    ]);
  });

  it('tampered text, tampered signature, a wrong key and a malleable signature fail in both', () => {
    const k = generateKey('example.com/log');
    const other = generateKey('example.com/log');
    const note = signNote('tree 1\n', [k.signer]);
    const b64 = note.slice(note.lastIndexOf(' ') + 1, -1);
    const raw = Buffer.from(b64, 'base64');
    const flip = Buffer.from(raw);
    flip[10]! ^= 1;
    const malleable = Buffer.from(raw);
    // S + L (the group order) is the same scalar: Go refuses it (RFC 8032 §5.1.7 asks S < L).
    const s =
      BigInt('0x' + Buffer.from(raw.subarray(36)).reverse().toString('hex')) +
      2n ** 252n +
      27742317777372353535851937790883648493n;
    malleable.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse(), 36);
    const cases: Array<[string, string, string[], string, RegExp]> = [
      [
        'text',
        note.replace('tree 1', 'tree 2'),
        [k.verifier],
        'EBADSIG',
        /^invalid signature for key example\.com\/log\+/,
      ],
      [
        'signature',
        note.replace(b64, flip.toString('base64')),
        [k.verifier],
        'EBADSIG',
        /^invalid signature for key/,
      ],
      ['wrong key', note, [other.verifier], 'EUNVERIFIED', /^note has no verifiable signatures$/],
      [
        'S + L',
        note.replace(b64, malleable.toString('base64')),
        [k.verifier],
        'EBADSIG',
        /^invalid signature for key/,
      ],
      [
        '101 signatures',
        note + note.slice('tree 1\n\n'.length).repeat(100),
        [k.verifier],
        'ETOOMANY',
        /^malformed note$/,
      ],
      ['bad base64', note.replace(b64, b64.slice(1)), [k.verifier], 'ESIGLINE', /^malformed note$/],
    ];
    const got = go(cases.map(([, note, keys]) => open(note, keys)));
    cases.forEach(([what, note, keys, code, goErr], i) => {
      expect([what, ours(note, keys)]).toEqual([what, code]);
      expect([what, got[i]!.error]).toEqual([what, expect.stringMatching(goErr)]);
    });
  });

  it('both accept non-zero padding bits in base64 and refuse the same names', () => {
    const k = generateKey('example.com/log');
    const note = signNote('x\n', [k.signer]); // 68 bytes: the last base64 digit carries 2 unused bits
    const last = note.at(-3)!;
    const loose = note.slice(0, -3) + String.fromCharCode(last.charCodeAt(0) + 1) + '=\n';
    const names = ['a\u0085b', 'a\u00a0b', 'a\ufeffb'];
    const got = go([
      open(loose, [k.verifier]),
      ...names.map((name) => ({ op: 'gen', name, text: 'x\n' })),
    ]);
    expect([got[0]!.verified, ours(loose, [k.verifier])]).toEqual([
      ['example.com/log'],
      'example.com/log',
    ]);
    expect(got.slice(1).map((result) => result.error ?? 'ok')).toEqual([
      'signer key: malformed verifier id',
      'signer key: malformed verifier id',
      'ok',
    ]);
    expect(
      names.map((name) => {
        try {
          return generateKey(name) && 'ok';
        } catch {
          return 'refused';
        }
      }),
    ).toEqual(['refused', 'refused', 'ok']);
  });
});

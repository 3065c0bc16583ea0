// config/tlog/cosignature.ts side by side with transparency-dev/formats/note v0.1.0 (test/go/cosig,
// pinned in test/go/go.mod), an independent implementation of c2sp.org/tlog-cosignature v1: each
// verifies the other's cosignatures, and both derive the same key ids. formats v0.1.0 takes a
// witness's seed only in a 0x01 signer key, so Go gets the same seed in that form.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkCosignatures,
  cosignNote,
  generateWitnessKey,
  parseWitnessVerifier,
} from '../../config/tlog/cosignature.js';
import { generateKey, hex8 } from '../../config/tlog/keys.js';
import { signNote, verifyNote } from '../../config/tlog/note.js';
import { goProgram, skipGo } from '../go-interop/go.js';

interface GoResult {
  note?: string;
  keyHash?: string;
  keyHashes?: string[];
  text?: string;
  verified?: string[];
  times?: number[];
  error?: string;
}

let bin = '';
beforeAll(() => {
  if (!skipGo) bin = goProgram('cosig');
});

function go(reqs: object[]): GoResult[] {
  const r = spawnSync(bin, { input: JSON.stringify(reqs), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`go cosig failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as GoResult[];
}
const open = (note: string, verifiers: string[]) => ({
  op: 'open',
  verifiers,
  note: Buffer.from(note).toString('base64'),
});

const LOG = generateKey('log.example/config', new Uint8Array(32).fill(9));
const SEEDS = [1, 2, 3].map((i) => new Uint8Array(32).fill(i * 17));
const NAMES = ['witness.example/a', 'w.example/b', 'oid/1.3.6.1.4.1.99999.1'];
const WITNESSES = SEEDS.map((seed, i) => generateWitnessKey(NAMES[i]!, seed));
const AS_NOTE_KEYS = SEEDS.map((seed, i) => generateKey(NAMES[i]!, seed)); // the same seeds, as formats v0.1.0 reads them
const texts = [1, 2, 300].map(
  (count) => `log.example/config\n${count}\n${Buffer.alloc(32, count).toString('base64')}\n`,
);

describe.skipIf(skipGo)('transparency-dev/formats/note cosignatures and ours', () => {
  it('Go verifies our cosignatures (and the log signature beside them), reads their times, and derives our key ids', () => {
    const times = [0, 1_700_000_000, 2 ** 53 - 1];
    const notes = texts.map((text, i) =>
      cosignNote(signNote(text, [LOG.signer]), WITNESSES[i]!.signer, times[i]!),
    );
    const all = cosignNote(cosignNote(notes[1]!, WITNESSES[0]!.signer, 5), WITNESSES[2]!.signer, 6);
    const got = go([
      ...notes.map((note, i) => open(note, [LOG.verifier, WITNESSES[i]!.verifier])),
      open(
        all,
        WITNESSES.map((witness) => witness.verifier),
      ),
    ]);
    notes.forEach((_, i) => {
      expect(got[i]).toEqual({
        text: texts[i],
        verified: ['log.example/config', NAMES[i]],
        times: [expect.any(Number), times[i]],
        keyHashes: [expect.any(String), hex8(parseWitnessVerifier(WITNESSES[i]!.verifier).keyId)],
      });
    });
    expect(got[3]!.verified).toEqual([NAMES[1], NAMES[0], NAMES[2]]);
    expect(got[3]!.times).toEqual([1_700_000_000, 5, 6]);
  });

  it('we verify cosignatures Go makes, with the same key ids, appended to our log-signed checkpoint', () => {
    const before = Math.floor(Date.now() / 1000);
    const got = go(
      texts.map((text, i) => ({ op: 'cosign', signer: AS_NOTE_KEYS[i]!.signer, text })),
    );
    const after = Math.ceil(Date.now() / 1000);
    got.forEach((result, i) => {
      expect(result.error).toBeUndefined();
      expect(result.keyHash).toBe(hex8(parseWitnessVerifier(WITNESSES[i]!.verifier).keyId));
      const goLine = result.note!.slice(texts[i]!.length + 1);
      const note = signNote(texts[i]!, [LOG.signer]) + goLine;
      expect(verifyNote(note, [LOG.verifier]).verifiedBy).toEqual(['log.example/config']);
      const [o] = checkCosignatures(note, [WITNESSES[i]!.verifier]);
      expect(o!.problem).toBeUndefined();
      expect(o!.time).toBeGreaterThanOrEqual(before);
      expect(o!.time).toBeLessThanOrEqual(after);
      // Ours, on the text Go signed, at Go's time, is the same line byte for byte (Ed25519 is deterministic).
      expect(
        cosignNote(signNote(texts[i]!, [LOG.signer]), WITNESSES[i]!.signer, o!.time!).endsWith(
          goLine,
        ),
      ).toBe(true);
    });
  });

  it('a tampered cosignature, text or time fails in both', () => {
    const note = cosignNote(signNote(texts[0]!, [LOG.signer]), WITNESSES[0]!.signer, 1_700_000_000);
    const b64 = note.trimEnd().split(' ').at(-1)!;
    const flip = (offset: number): string => {
      const b = Buffer.from(b64, 'base64');
      b[offset]! ^= 1;
      return note.replace(b64, b.toString('base64'));
    };
    const cases = [flip(11), flip(50), note.replace('\n1\n', '\n2\n')];
    const got = go(cases.map((testCase) => open(testCase, [WITNESSES[0]!.verifier])));
    cases.forEach((testCase, i) => {
      expect(got[i]!.error).toMatch(/^invalid signature for key witness\.example\/a\+/);
      expect(checkCosignatures(testCase, [WITNESSES[0]!.verifier])[0]!.problem).toBe(
        'its cosignature does not verify',
      );
    });
  });
});

// config/tlog/cosignature.ts: witness keys (type 0x04), cosignature lines and their checks, byte for
// byte where the spec fixes them (the key id, the signed message, the 8-byte timestamp).
import { createHash } from 'node:crypto';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  CosignatureError,
  checkCosignatures,
  cosignNote,
  cosignatureMessage,
  generateWitnessKey,
  parseWitnessSigner,
  parseWitnessVerifier,
  requireCosignatures,
} from '../../config/tlog/cosignature.js';
import { generateKey, parseVerifier } from '../../config/tlog/keys.js';
import { signNote, verifyNote } from '../../config/tlog/note.js';

const LOG = generateKey('log.example/config', new Uint8Array(32).fill(1));
const W1 = generateWitnessKey('witness.example/w1', new Uint8Array(32).fill(2));
const W2 = generateWitnessKey('witness.example/w2', new Uint8Array(32).fill(3));
const TEXT = `log.example/config\n2\n${Buffer.alloc(32, 7).toString('base64')}\n`;
const NOTE = signNote(TEXT, [LOG.signer]);
const NOW = 1_700_000_000;
const codeOf = (attempt: () => unknown): string => {
  try {
    attempt();
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
  return 'ok';
};
const lastSig = (note: string): Buffer =>
  Buffer.from(note.trimEnd().split('\n').at(-1)!.split(' ').at(-1)!, 'base64');

describe('witness keys', () => {
  it('carry type 0x04 and the key id SHA-256(name || 0x0A || 0x04 || public key)[:4]', () => {
    const v = parseWitnessVerifier(W1.verifier);
    const raw = Buffer.from(W1.verifier.split('+')[2]!, 'base64');
    expect([raw.length, raw[0]]).toEqual([33, 0x04]);
    const id = createHash('sha256')
      .update('witness.example/w1\n\x04')
      .update(v.publicKey)
      .digest()
      .readUInt32BE(0);
    expect(v.keyId).toBe(id);
    expect(W1.verifier.split('+')[1]).toBe(id.toString(16).padStart(8, '0'));
    expect(parseWitnessSigner(W1.signer).verifier).toBe(W1.verifier);
    expect(W1.signer).toMatch(/^PRIVATE\+KEY\+witness\.example\/w1\+[0-9a-f]{8}\+/);
  });

  it('a note key is not a witness key, nor the other way round, and the error says which is which', () => {
    expect(codeOf(() => parseWitnessVerifier(LOG.verifier))).toMatch(
      /^EKEYALG: .*0x01 is an ed25519 note key; want 0x04/,
    );
    expect(codeOf(() => parseVerifier(W1.verifier))).toMatch(
      /^EKEYALG: .*0x04 is an ed25519 witness/,
    );
    expect(codeOf(() => cosignNote(NOTE, LOG.signer, NOW))).toMatch(/^EKEYALG: signer key/);
    const wrongId = W1.verifier.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    expect(codeOf(() => parseWitnessVerifier(wrongId))).toMatch(/^EKEYID: /);
  });
});

describe('cosignNote', () => {
  it('appends timestamp || ed25519(cosignature/v1, time, checkpoint) and keeps the log signature', () => {
    const note = cosignNote(NOTE, W1.signer, NOW);
    expect(note.startsWith(NOTE)).toBe(true);
    expect(verifyNote(note, [LOG.verifier]).verifiedBy).toEqual(['log.example/config']);
    const sig = lastSig(note);
    expect(sig.length).toBe(76);
    expect(sig.readUInt32BE(0)).toBe(parseWitnessVerifier(W1.verifier).keyId);
    expect(sig.readBigUInt64BE(4)).toBe(BigInt(NOW));
    const msg = `cosignature/v1\ntime ${NOW}\n${TEXT}`;
    expect(Buffer.from(cosignatureMessage(TEXT, NOW)).toString()).toBe(msg);
    expect(
      nacl.sign.detached.verify(
        Buffer.from(msg),
        sig.subarray(12),
        parseWitnessVerifier(W1.verifier).publicKey,
      ),
    ).toBe(true);
  });

  it("replaces the witness's own older line, keeps the others, and refuses a note that is not a checkpoint", () => {
    const twice = cosignNote(
      cosignNote(cosignNote(NOTE, W1.signer, NOW), W2.signer, NOW),
      W1.signer,
      NOW + 60,
    );
    const lines = twice.trimEnd().split('\n\n')[1]!.split('\n');
    expect(lines.map((line) => line.split(' ')[1])).toEqual([
      'log.example/config',
      'witness.example/w2',
      'witness.example/w1',
    ]);
    expect(checkCosignatures(twice, [W1.verifier, W2.verifier], NOW + 60)).toEqual([
      { witness: 'witness.example/w1', time: NOW + 60 },
      { witness: 'witness.example/w2', time: NOW },
    ]);
    expect(
      codeOf(() => cosignNote(signNote('not\na checkpoint\n', [LOG.signer]), W1.signer, NOW)),
    ).toMatch(/^E\w+: checkpoint/);
    expect(codeOf(() => cosignNote(NOTE, W1.signer, 1.5))).toMatch(/^ETIME: /);
  });
});

describe('checkCosignatures and requireCosignatures', () => {
  const both = cosignNote(cosignNote(NOTE, W1.signer, NOW), W2.signer, NOW - 86_400 * 365);
  const W3 = generateWitnessKey('witness.example/w3', new Uint8Array(32).fill(4));

  it('counts distinct pinned witnesses, ignores unknown ones, and says what each missing one lacked', () => {
    const out = requireCosignatures(
      cosignNote(both, W3.signer, NOW),
      [W1.verifier, W2.verifier],
      2,
      NOW,
    );
    expect(out.map((outcome) => outcome.time)).toEqual([NOW, NOW - 86_400 * 365]);
    const e = codeOf(() => requireCosignatures(both, [W1.verifier, W3.verifier], undefined, NOW));
    expect(e).toBe(
      'EWITNESS: checkpoint is cosigned by 1 of 2 pinned witnesses, 2 needed (verified: witness.example/w1; witness.example/w3: no cosignature)',
    );
    expect(requireCosignatures(both, [W1.verifier, W3.verifier], 1, NOW)).toHaveLength(2);
  });

  it('a tampered cosignature, a future one and a repeated one', () => {
    const tampered = both.replace(
      lastSig(both).toString('base64'),
      ((bytes) => ((bytes[40]! ^= 1), bytes.toString('base64')))(lastSig(both)),
    );
    expect(checkCosignatures(tampered, [W2.verifier], NOW)).toEqual([
      { witness: 'witness.example/w2', problem: 'its cosignature does not verify' },
    ]);
    const future = cosignNote(NOTE, W1.signer, NOW + 86_400 + 1);
    expect(checkCosignatures(future, [W1.verifier], NOW)[0]!.problem).toBe(
      `its cosignature time ${NOW + 86_400 + 1} is more than a day in the future`,
    );
    expect(checkCosignatures(future, [W1.verifier], NOW + 1)[0]!.time).toBe(NOW + 86_400 + 1); // exactly a day ahead is fine
    const line = both.trimEnd().split('\n').at(-1)!;
    const repeated = `${both}${line}\n${line}\n`;
    expect(checkCosignatures(repeated, [W2.verifier], NOW)).toEqual([
      { witness: 'witness.example/w2', time: NOW - 86_400 * 365 },
    ]);
    expect(codeOf(() => requireCosignatures(repeated, [W2.verifier, W3.verifier], 2, NOW))).toMatch(
      /^EWITNESS: .*1 of 2/,
    );
    // A good line after a bad one by the same witness still counts: a bad line cannot cancel a good one.
    expect(checkCosignatures(`${tampered}${line}\n`, [W2.verifier], NOW)[0]!.time).toBe(
      NOW - 86_400 * 365,
    );
  });

  it('a plain note signature by the witness key (type 0x01 id) is not a cosignature', () => {
    const seed = new Uint8Array(32).fill(2);
    const asNoteKey = generateKey('witness.example/w1', seed);
    const signed = signNote(TEXT, [LOG.signer, asNoteKey.signer]);
    expect(checkCosignatures(signed, [W1.verifier], NOW)).toEqual([
      { witness: 'witness.example/w1', problem: 'no cosignature' },
    ]);
  });

  it('refuses a quorum outside 1..n and a witness pinned twice', () => {
    for (const q of [0, 3, 1.5])
      expect(codeOf(() => requireCosignatures(both, [W1.verifier, W2.verifier], q, NOW))).toMatch(
        /^EQUORUM: witness quorum/,
      );
    expect(codeOf(() => checkCosignatures(both, [W1.verifier, W1.verifier]))).toMatch(
      /^EAMBIGUOUS: /,
    );
    expect(new CosignatureError('EWITNESS', 'x').name).toBe('CosignatureError');
  });
});

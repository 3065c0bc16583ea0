// Witness cosignatures, c2sp.org/tlog-cosignature v1.0.1, Ed25519 only. A witness checks that a
// log only grows (each checkpoint it cosigns extends the last one) and adds a note signature line
// to the checkpoint: key id SHA-256(name || 0x0A || 0x04 || public key)[:4], signature
// = 8-byte big-endian timestamp || Ed25519 signature of
//   "cosignature/v1\n" "time <decimal seconds>\n" <the whole checkpoint text>.
// A client pinning witnesses trusts a checkpoint only when enough of them cosigned it, so a log
// cannot show it one history and the rest of the world another (a split view) without them.
// Checked against transparency-dev/formats/note (test/go), which makes and verifies the same lines.
import nacl from 'tweetnacl';
import { parseCheckpoint } from './checkpoint.js';
import { CodedError } from './error.js';
import {
  ALG_COSIGNATURE_V1,
  formatVerifier,
  generateKey,
  hex8,
  parseSigner,
  parseVerifier,
  type SignerKey,
  type VerifierKey,
} from './keys.js';
import {
  MAX_NOTE_BYTES,
  MAX_SIGNATURES,
  NoteError,
  parseSigLine,
  sigProblem,
  splitNote,
} from './note.js';

export type CosignatureErrorCode =
  | 'ETIME' // a timestamp to sign with that is not whole seconds from 0 to 2^53-1
  | 'EAMBIGUOUS' // two pinned witness keys share name and key id
  | 'EQUORUM' // a quorum that is not 1..the number of pinned witnesses
  | 'EWITNESS'; // fewer pinned witnesses than the quorum validly cosigned

export class CosignatureError extends CodedError<CosignatureErrorCode> {
  override name = 'CosignatureError';
}

/** A cosignature more than this far ahead of the verifier's clock is not counted (the spec allows refusing future ones). */
export const MAX_CLOCK_SKEW_SECONDS = 24 * 60 * 60;
const MAX_TIMESTAMP = 2n ** 63n - 1n; // c2sp.org/tlog-cosignature: "MUST NOT exceed 2^63 - 1"
const DASH = '\u2014 ';

/** A new witness key pair (type 0x04): signer `PRIVATE+KEY+<name>+<id>+…`, verifier `<name>+<id>+…`. */
export function generateWitnessKey(
  name: string,
  seed?: Uint8Array,
): { signer: string; verifier: string } {
  return generateKey(name, seed, ALG_COSIGNATURE_V1);
}

/** A witness's verifier key: `<name>+<hex id>+base64(0x04 || public key)`, its id checked. */
export function parseWitnessVerifier(text: string): VerifierKey {
  return parseVerifier(text, ALG_COSIGNATURE_V1);
}

/** A witness's signer key: `PRIVATE+KEY+<name>+<hex id>+base64(0x04 || seed)`; `verifier` is its verifier key. */
export function parseWitnessSigner(text: string): SignerKey & { verifier: string } {
  const key = parseSigner(text, ALG_COSIGNATURE_V1);
  return { ...key, verifier: formatVerifier(key, ALG_COSIGNATURE_V1) };
}

/** The message a cosignature signs (c2sp.org/tlog-cosignature §"Ed25519 signed message"). */
export function cosignatureMessage(checkpointText: string, time: bigint | number): Uint8Array {
  return Buffer.from(`cosignature/v1\ntime ${BigInt(time)}\n${checkpointText}`, 'utf8');
}

/**
 * Cosigns a signed checkpoint note as the witness `signerKey` at `time` (whole seconds since the
 * epoch) and returns the note with the new line last. Every other signature line is kept; an
 * earlier line by this same witness is replaced, so running a witness again refreshes its time.
 */
export function cosignNote(note: string | Uint8Array, signerKey: string, time: number): string {
  if (!Number.isSafeInteger(time) || time < 0)
    throw new CosignatureError(
      'ETIME',
      `cosignature time ${time} is not whole seconds from 0 to 2^53-1`,
    );
  const key = parseWitnessSigner(signerKey);
  const { text, lines } = splitNote(note);
  parseCheckpoint(text); // a witness signs checkpoints only
  const sig = Buffer.alloc(4 + 8 + 64);
  sig.writeUInt32BE(key.keyId, 0);
  sig.writeBigUInt64BE(BigInt(time), 4);
  sig.set(nacl.sign.detached(cosignatureMessage(text, time), key.secretKey), 12);
  const kept = lines.filter((line, i) => {
    const s = parseSigLine(line, i + 1);
    return !(s.name === key.name && s.keyId === key.keyId);
  });
  if (kept.length + 1 > MAX_SIGNATURES)
    throw new NoteError(
      'ETOOMANY',
      `note would have ${kept.length + 1} signatures, at most ${MAX_SIGNATURES}`,
    );
  const out = `${text}\n${[...kept, `${DASH}${key.name} ${sig.toString('base64')}`].join('\n')}\n`;
  if (Buffer.byteLength(out, 'utf8') > MAX_NOTE_BYTES)
    throw new NoteError('ETOOBIG', `cosigned note would be over ${MAX_NOTE_BYTES} bytes`);
  return out;
}

/** What became of one pinned witness: its cosignature time when one verified, else why not. */
export interface WitnessOutcome {
  witness: string;
  time?: number;
  problem?: string;
}

/** Why `sig` (timestamp || signature) is not `key`'s cosignature of `text` at most a day ahead of `now`, or its time. */
function cosignatureProblem(
  text: string,
  sig: Uint8Array,
  key: VerifierKey,
  now: number,
): { time?: number; problem?: string } {
  if (sig.length !== 8 + 64)
    return { problem: `its cosignature is ${sig.length + 4} bytes, want 76` };
  const t = Buffer.from(sig.buffer, sig.byteOffset, 8).readBigUInt64BE(0);
  if (t > MAX_TIMESTAMP) return { problem: `its cosignature time ${t} is above 2^63-1` };
  const bad = sigProblem(cosignatureMessage(text, t), sig.subarray(8), key);
  if (bad) return { problem: `its cosignature ${bad}` };
  if (t > BigInt(Math.floor(now)) + BigInt(MAX_CLOCK_SKEW_SECONDS))
    return { problem: `its cosignature time ${t} is more than a day in the future` };
  return { time: Number(t) };
}

/**
 * Checks a signed checkpoint note's cosignatures against the pinned witness keys (type 0x04):
 * one outcome per pinned witness, in the order given. Lines by keys not pinned are ignored; a
 * witness with several lines counts once, when any of them verifies; a bad line is a problem of
 * that witness, not of the note. `now` is in seconds since the epoch.
 */
export function checkCosignatures(
  note: string | Uint8Array,
  witnesses: string[],
  now = Date.now() / 1000,
): WitnessOutcome[] {
  const pinned = new Map<string, { key: VerifierKey; outcome: WitnessOutcome }>();
  for (const w of witnesses) {
    const key = parseWitnessVerifier(w);
    const id = `${key.name}\n${key.keyId}`;
    if (pinned.has(id))
      throw new CosignatureError(
        'EAMBIGUOUS',
        `two witness keys are named ${key.name}+${hex8(key.keyId)}`,
      );
    pinned.set(id, { key, outcome: { witness: key.name, problem: 'no cosignature' } });
  }
  const { text, lines } = splitNote(note);
  lines.forEach((line, i) => {
    const { name, keyId, sig } = parseSigLine(line, i + 1);
    const p = pinned.get(`${name}\n${keyId}`);
    if (!p || p.outcome.time !== undefined) return;
    const got = cosignatureProblem(text, sig, p.key, now);
    p.outcome = got.problem
      ? { witness: name, problem: got.problem }
      : { witness: name, time: got.time! };
  });
  return [...pinned.values()].map((entry) => entry.outcome);
}

/**
 * Throws EWITNESS unless at least `quorum` (default: all) distinct pinned witnesses validly
 * cosigned the note; the message says how many of how many verified and what each of the others
 * lacked. Returns the outcomes (the names that verified have a `time`).
 */
export function requireCosignatures(
  note: string | Uint8Array,
  witnesses: string[],
  quorum = witnesses.length,
  now?: number,
): WitnessOutcome[] {
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > witnesses.length) {
    throw new CosignatureError(
      'EQUORUM',
      `witness quorum ${quorum} is not 1..${witnesses.length}, the number of witness keys given`,
    );
  }
  const outcomes = checkCosignatures(note, witnesses, now);
  const ok = outcomes.filter((outcome) => outcome.time !== undefined);
  if (ok.length >= quorum) return outcomes;
  const names = ok.map((outcome) => outcome.witness).join(', ') || 'none';
  const missing = outcomes
    .filter((outcome) => outcome.problem)
    .map((outcome) => `${outcome.witness}: ${outcome.problem}`)
    .join('; ');
  throw new CosignatureError(
    'EWITNESS',
    `checkpoint is cosigned by ${ok.length} of ${witnesses.length} pinned witnesses, ${quorum} needed (verified: ${names}; ${missing})`,
  );
}

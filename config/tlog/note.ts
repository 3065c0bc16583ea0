// Signed notes, c2sp.org/signed-note v1.0.0 with Ed25519 (type 0x01) keys only. Parsing and the
// verification rules follow Go's golang.org/x/mod/sumdb/note Open, which the tests run side by side.
import nacl from 'tweetnacl';
import {
  hex8,
  nameProblem,
  parseSigner,
  parseVerifier,
  decodeBase64,
  type VerifierKey,
} from './keys.js';
import { CodedError } from './error.js';

export type NoteErrorCode =
  | 'ETOOBIG' // the note is over MAX_NOTE_BYTES
  | 'ETOOMANY' // more than MAX_SIGNATURES signature lines (or signers)
  | 'EENCODING' // not UTF-8, or a control character other than newline
  | 'EMALFORMED' // not text, blank line, signature lines
  | 'ESIGLINE' // a signature line's key name or base64 is malformed
  | 'EBADSIG' // a signature by a given key does not verify
  | 'EAMBIGUOUS' // two given verifier keys share name and key id
  | 'EUNVERIFIED'; // none of the given keys signed the note

export class NoteError extends CodedError<NoteErrorCode> {
  override name = 'NoteError';
}

/** Bounds on untrusted input (c2sp.org/signed-note §Format asks verifiers for a limit). */
export const MAX_NOTE_BYTES = 1 << 20;
/** Go's note.Open refuses more than 100 signatures; the spec asks for at least 16. */
export const MAX_SIGNATURES = 100;

const DASH = '\u2014 '; // em dash, space: the start of every signature line
// Ed25519 group order; Go's crypto/ed25519 refuses S >= L (RFC 8032 §5.1.7), tweetnacl does not.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function checkEncoding(text: string, what: string): void {
  const bad = /[\u0000-\u0009\u000b-\u001f]|\p{Cs}/u.exec(text);
  if (!bad) return;
  const line = text.slice(0, bad.index).split('\n').length;
  const why =
    bad[0].charCodeAt(0) < 0x20
      ? `control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')}`
      : 'text that is not unicode';
  throw new NoteError('EENCODING', `${what} has ${why} on line ${line}`);
}

/** Signs `text` (which must end in a newline) with each signer key, in order. */
export function signNote(text: string, signers: string[]): string {
  if (!text.endsWith('\n'))
    throw new NoteError('EMALFORMED', 'note text does not end with a newline');
  checkEncoding(text, 'note text');
  if (signers.length === 0) throw new NoteError('EMALFORMED', 'no signer keys given');
  if (signers.length > MAX_SIGNATURES)
    throw new NoteError(
      'ETOOMANY',
      `${signers.length} signer keys given, at most ${MAX_SIGNATURES}`,
    );
  const msg = Buffer.from(text, 'utf8');
  let out = text + '\n';
  for (const s of signers) {
    const key = parseSigner(s);
    const sig = Buffer.alloc(68);
    sig.writeUInt32BE(key.keyId, 0);
    sig.set(nacl.sign.detached(msg, key.secretKey), 4);
    out += `${DASH}${key.name} ${sig.toString('base64')}\n`;
  }
  if (Buffer.byteLength(out, 'utf8') > MAX_NOTE_BYTES)
    throw new NoteError('ETOOBIG', `signed note would be over ${MAX_NOTE_BYTES} bytes`);
  return out;
}

/** The note as a string, refusing anything over the size cap or not UTF-8. */
function noteString(note: string | Uint8Array): string {
  const size = typeof note === 'string' ? note.length : note.byteLength;
  if (
    size > MAX_NOTE_BYTES ||
    (typeof note === 'string' && Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES)
  ) {
    throw new NoteError('ETOOBIG', `note is over ${MAX_NOTE_BYTES} bytes`);
  }
  if (typeof note === 'string') return note;
  try {
    // ignoreBOM: a leading U+FEFF is part of the signed text and must stay.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    throw new NoteError('EENCODING', 'note is not valid utf-8');
  }
}

/** Verifier keys by `name\nkeyid`; two keys with one name and id could only come from a mistake. */
function keyMap(verifierKeys: string[]): Map<string, VerifierKey> {
  const map = new Map<string, VerifierKey>();
  for (const text of verifierKeys) {
    const key = parseVerifier(text);
    const k = `${key.name}\n${key.keyId}`;
    if (map.has(k))
      throw new NoteError(
        'EAMBIGUOUS',
        `two verifier keys are named ${key.name}+${hex8(key.keyId)}`,
      );
    map.set(k, key);
  }
  return map;
}

/** Why `sig` is not `key`'s Ed25519 signature of `msg`, or undefined when it is. */
export function sigProblem(msg: Uint8Array, sig: Uint8Array, key: VerifierKey): string | undefined {
  if (sig.length !== 64) return `is ${sig.length} bytes, an ed25519 signature is 64`;
  // S, the signature's second half (little-endian), must be below the group order L: tweetnacl
  // accepts S + L too, and that malleable twin must not count as a second valid signature.
  const scalar = BigInt('0x' + Buffer.from(sig.subarray(32)).reverse().toString('hex'));
  if (scalar >= L || !nacl.sign.detached.verify(msg, sig, key.publicKey)) return 'does not verify';
  return undefined;
}

export interface SigLine {
  name: string;
  keyId: number;
  sig: Uint8Array;
}

/** One signature line: em dash, space, key name, space, base64(key id || signature). */
export function parseSigLine(line: string, lineNumber: number): SigLine {
  if (!line.startsWith(DASH))
    throw new NoteError(
      'EMALFORMED',
      `signature line ${lineNumber} does not start with an em dash and a space`,
    );
  const rest = line.slice(DASH.length);
  const sp = rest.indexOf(' ');
  const name = sp < 0 ? rest : rest.slice(0, sp);
  const problem = nameProblem(name);
  if (problem)
    throw new NoteError(
      'ESIGLINE',
      `signature line ${lineNumber}: key name ${JSON.stringify(name)} ${problem}`,
    );
  const raw = sp < 0 ? undefined : decodeBase64(rest.slice(sp + 1));
  if (!raw || raw.length === 0)
    throw new NoteError(
      'ESIGLINE',
      `signature line ${lineNumber}: signature is not standard padded base64`,
    );
  if (raw.length < 5)
    throw new NoteError(
      'ESIGLINE',
      `signature line ${lineNumber}: ${raw.length} bytes, too short for a key id and a signature`,
    );
  const keyId = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
  return { name, keyId, sig: raw.subarray(4) };
}

/**
 * A signed note's text (with its final newline) and its signature lines, parsed but not
 * verified: the size cap, UTF-8, no control characters, a blank line, at most MAX_SIGNATURES
 * lines (c2sp.org/signed-note §Format). parseSigLine reads each line.
 */
export function splitNote(note: string | Uint8Array): { text: string; lines: string[] } {
  const s = noteString(note);
  checkEncoding(s, 'note');
  // The text ends at the last blank line; signature lines follow, each ending in a newline.
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('EMALFORMED', 'note has no blank line before its signatures');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block === '')
    throw new NoteError('EMALFORMED', 'note has no signature lines after its blank line');
  if (!block.endsWith('\n')) throw new NoteError('EMALFORMED', 'note does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES)
    throw new NoteError(
      'ETOOMANY',
      `note has ${lines.length} signatures, at most ${MAX_SIGNATURES}`,
    );
  return { text, lines };
}

/**
 * Parses a signed note and verifies it with the given verifier keys (c2sp.org/signed-note
 * §Signatures). Signatures by other keys are ignored; a signature by a given key (same name and
 * key id) that does not verify rejects the whole note; at least one given key must have signed.
 * Like Go's note.Open, a repeated signature by an already seen key is skipped. Returns the note
 * text (with its final newline) and the names of the keys whose signatures verified.
 */
export function verifyNote(
  note: string | Uint8Array,
  verifierKeys: string[],
): { text: string; verifiedBy: string[] } {
  const s = noteString(note);
  const keys = keyMap(verifierKeys);
  const { text, lines } = splitNote(s);
  const msg = Buffer.from(text, 'utf8');
  const seen = new Set<string>();
  const verifiedBy: string[] = [];
  const others: string[] = [];
  lines.forEach((line, i) => {
    const { name, keyId, sig } = parseSigLine(line, i + 1);
    const k = `${name}\n${keyId}`;
    const key = keys.get(k);
    if (!key) return void others.push(`${name}+${hex8(keyId)}`);
    if (seen.has(k)) return;
    seen.add(k);
    const problem = sigProblem(msg, sig, key);
    if (problem) throw new NoteError('EBADSIG', `signature by ${name}+${hex8(keyId)} ${problem}`);
    verifiedBy.push(name);
  });
  if (verifiedBy.length === 0) {
    const by = [...new Set(others)].slice(0, 5).join(', ');
    throw new NoteError(
      'EUNVERIFIED',
      `note is not signed by any of the ${keys.size} given keys (signed by ${by})`,
    );
  }
  return { text, verifiedBy };
}

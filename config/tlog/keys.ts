// Ed25519 note keys in the text forms of Go's golang.org/x/mod/sumdb/note, which
// c2sp.org/signed-note §"Verifier keys" standardises for verifiers:
//   verifier  <name>+<hex8 key id>+base64(0x01 || 32-byte public key)
//   signer    PRIVATE+KEY+<name>+<hex8 key id>+base64(0x01 || 32-byte seed)
// Only signature type 0x01 (Ed25519) is supported. A signer key's text never appears in an error.
import { createHash, randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { CodedError } from './error.js';

export type KeyErrorCode = 'EKEYFORMAT' | 'EKEYNAME' | 'EKEYALG' | 'EKEYLENGTH' | 'EKEYID';

export class KeyError extends CodedError<KeyErrorCode> {
  override name = 'KeyError';
}

/** c2sp.org/signed-note §"Signature types": 0x01 is Ed25519. */
export const ALG_ED25519 = 0x01;
/** c2sp.org/tlog-cosignature: 0x04 is an Ed25519 key that makes timestamped cosignature/v1 signatures. */
export const ALG_COSIGNATURE_V1 = 0x04;
/** The signature types this package takes, and what each is for (in error messages). */
const ALGS: Record<number, string> = {
  [ALG_ED25519]: 'ed25519 note key',
  [ALG_COSIGNATURE_V1]: 'ed25519 witness (cosignature/v1) key',
};

export interface VerifierKey {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  /** tweetnacl's 64-byte secret key (seed || public key). */
  secretKey: Uint8Array;
}

// Go's unicode.IsSpace set, spelled out: JavaScript's \s differs (it has U+FEFF, lacks U+0085).
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const CONTROL = /[\u0000-\u001f]/u;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why a key name is not allowed, or undefined when it is. c2sp.org/signed-note §Format: non-empty,
 * no Unicode spaces, no '+'. Control characters and lone surrogates (not UTF-8) are refused too,
 * since no signed note could ever carry such a name.
 */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.includes('+')) return "contains '+'";
  if (SPACE.test(name)) return 'contains a space';
  if (CONTROL.test(name)) return 'contains a control character';
  if (LONE_SURROGATE.test(name)) return 'is not valid unicode';
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Standard padded base64 (RFC 4648 §4) or undefined. Buffer.from alone would skip stray
 * characters and accept missing padding or the URL alphabet; Go's decoder does not.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * c2sp.org/signed-note §"Ed25519 signatures": SHA-256(name || 0x0A || 0x01 || public key)[:4],
 * big-endian; with 0x04 in place of 0x01 for a witness key (c2sp.org/tlog-cosignature).
 */
export function keyIdOf(name: string, publicKey: Uint8Array, alg = ALG_ED25519): number {
  const h = createHash('sha256')
    .update(name, 'utf8')
    .update(Uint8Array.of(0x0a, alg))
    .update(publicKey)
    .digest();
  return h.readUInt32BE(0);
}

export function hex8(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function checkName(name: string, what: string): void {
  const problem = nameProblem(name);
  if (problem) throw new KeyError('EKEYNAME', `${what} name ${JSON.stringify(name)} ${problem}`);
}

/**
 * A new key pair for `name`, as Go's note.GenerateKey makes it. `seed` (32 bytes) makes the pair
 * reproducible, for tests; leave it out to use 32 random bytes.
 */
export function generateKey(
  name: string,
  seed?: Uint8Array,
  alg = ALG_ED25519,
): { signer: string; verifier: string } {
  checkName(name, 'key');
  const s = seed ?? new Uint8Array(randomBytes(32));
  if (s.length !== 32)
    throw new KeyError('EKEYLENGTH', `ed25519 seed is ${s.length} bytes, want 32`);
  const { publicKey } = nacl.sign.keyPair.fromSeed(s);
  const keyId = keyIdOf(name, publicKey, alg);
  return {
    signer: `PRIVATE+KEY+${name}+${hex8(keyId)}+${encodeBase64(Uint8Array.of(alg, ...s))}`,
    verifier: formatVerifier({ name, keyId, publicKey }, alg),
  };
}

/** Name, key id and Ed25519 key bytes of `<name>+<hex8>+<base64>`; base64 may hold '+', so split twice only. */
function splitKey(
  text: string,
  what: string,
  alg: number,
): { name: string; keyId: number; key: Uint8Array } {
  const a = text.indexOf('+');
  const b = a < 0 ? -1 : text.indexOf('+', a + 1);
  if (b < 0) throw new KeyError('EKEYFORMAT', `${what} key is not <name>+<key id>+<key>`);
  const name = text.slice(0, a);
  checkName(name, `${what} key`);
  const hex = text.slice(a + 1, b);
  // Go's strconv.ParseUint takes either case of hex digit.
  if (!/^[0-9a-fA-F]{8}$/.test(hex))
    throw new KeyError('EKEYFORMAT', `${what} key ${name}: key id is not 8 hex digits`);
  const raw = decodeBase64(text.slice(b + 1));
  if (!raw)
    throw new KeyError('EKEYFORMAT', `${what} key ${name}: key is not standard padded base64`);
  if (raw.length === 0) throw new KeyError('EKEYLENGTH', `${what} key ${name}: key is empty`);
  if (raw[0] !== alg) {
    const got = `0x${raw[0]!.toString(16).padStart(2, '0')}`;
    const is = ALGS[raw[0]!] ? ` is an ${ALGS[raw[0]!]}` : ' is not supported';
    throw new KeyError(
      'EKEYALG',
      `${what} key ${name}: signature type ${got}${is}; want 0x${alg.toString(16).padStart(2, '0')}, an ${ALGS[alg]}`,
    );
  }
  if (raw.length !== 33)
    throw new KeyError(
      'EKEYLENGTH',
      `${what} key ${name}: ed25519 key is ${raw.length - 1} bytes, want 32`,
    );
  return { name, keyId: parseInt(hex, 16), key: raw.subarray(1) };
}

function checkId(
  name: string,
  keyId: number,
  publicKey: Uint8Array,
  what: string,
  alg: number,
): void {
  const want = keyIdOf(name, publicKey, alg);
  if (keyId !== want)
    throw new KeyError(
      'EKEYID',
      `${what} key ${name}: key id ${hex8(keyId)} does not match the key (${hex8(want)})`,
    );
}

/** The verifier key text of a key (a signer key gives the verifier key that checks it). */
export function formatVerifier(key: VerifierKey, alg = ALG_ED25519): string {
  return `${key.name}+${hex8(key.keyId)}+${encodeBase64(Uint8Array.of(alg, ...key.publicKey))}`;
}

/**
 * Parses a verifier key (vkey), checking that its key id is the one its name and key give.
 * `alg` is the signature type it must have: 0x01 for a log's key, 0x04 for a witness's.
 */
export function parseVerifier(text: string, alg = ALG_ED25519): VerifierKey {
  if (text.startsWith('PRIVATE+'))
    throw new KeyError(
      'EKEYFORMAT',
      'a signer (private) key was given where a verifier key belongs',
    );
  const { name, keyId, key } = splitKey(text, 'verifier', alg);
  checkId(name, keyId, key, 'verifier', alg);
  return { name, keyId, publicKey: key };
}

/** Parses a signer key; the key id must match the public key derived from the seed. */
export function parseSigner(text: string, alg = ALG_ED25519): SignerKey {
  if (!text.startsWith('PRIVATE+KEY+'))
    throw new KeyError('EKEYFORMAT', 'signer key does not start with PRIVATE+KEY+');
  const { name, keyId, key } = splitKey(text.slice('PRIVATE+KEY+'.length), 'signer', alg);
  const pair = nacl.sign.keyPair.fromSeed(key);
  checkId(name, keyId, pair.publicKey, 'signer', alg);
  return { name, keyId, publicKey: pair.publicKey, secretKey: pair.secretKey };
}

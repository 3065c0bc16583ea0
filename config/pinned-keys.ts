// The keys a client pins for a collector's config log: the log's own key and, optionally,
// witnesses of which a quorum must cosign each checkpoint (c2sp.org/tlog-cosignature). All of
// them are parsed before any connection, so a typo fails fast with the key named.
import { ClientError } from './fetch.js';
import {
  CosignatureError,
  hex8,
  parseVerifier,
  parseWitnessVerifier,
  requireCosignatures,
  type VerifierKey,
  why,
} from './tlog/index.js';

/** The log's pinned keys: the log's own and, optionally, witnesses of which `quorum` must cosign. */
export interface PinnedKeys {
  /** The pinned verifier key (`<name>+<id>+<key>`); its name is the log's origin. */
  key: string;
  /** Witness verifier keys (`<name>+<id>+base64(0x04 || key)`, c2sp.org/tlog-cosignature). */
  witnesses?: string[];
  /** How many distinct witnesses must have cosigned the checkpoint: 1..witnesses.length, default all. */
  quorum?: number;
}

/** The log's key; the witness keys and quorum checked too, all before any connection. */
export function parsePinnedKeys(pinned: PinnedKeys): VerifierKey {
  let key: VerifierKey;
  try {
    key = parseVerifier(pinned.key);
  } catch (err) {
    throw new ClientError('EKEY', `pinned key: ${why(err)}`, { cause: err });
  }
  const witnessCount = pinned.witnesses?.length ?? 0;
  const quorum = pinned.quorum;
  if (quorum !== undefined && (!Number.isInteger(quorum) || quorum < 1 || quorum > witnessCount)) {
    throw new ClientError(
      'EUSAGE',
      `witness quorum ${quorum} is not 1..${witnessCount}, the number of witness keys given`,
    );
  }
  const seen = new Set<string>();
  for (const witness of pinned.witnesses ?? []) {
    let witnessKey: VerifierKey;
    try {
      witnessKey = parseWitnessVerifier(witness);
    } catch (err) {
      throw new ClientError('EKEY', `witness key: ${why(err)}`, { cause: err });
    }
    const identity = `${witnessKey.name}\n${witnessKey.keyId}`;
    if (seen.has(identity)) {
      throw new ClientError(
        'EKEY',
        `witness key ${witnessKey.name}+${hex8(witnessKey.keyId)} is given twice`,
      );
    }
    seen.add(identity);
  }
  return key;
}

/** Throws EWITNESS unless the pinned witnesses' quorum cosigned `note`; the names that did. */
export function cosignersOf(note: Uint8Array, pinned: PinnedKeys, where: string): string[] {
  if (!pinned.witnesses?.length) return [];
  try {
    return requireCosignatures(note, pinned.witnesses, pinned.quorum)
      .filter((outcome) => outcome.time !== undefined)
      .map((outcome) => outcome.witness);
  } catch (err) {
    if (!(err instanceof CosignatureError)) throw err;
    throw new ClientError('EWITNESS', `${where}: ${why(err)}`, { cause: err });
  }
}

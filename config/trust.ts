// What a client and a witness both do with a log's checkpoints: open one with the pinned log key,
// keep the last one trusted in a state directory, and accept a new one only when it extends that
// one (RFC 9162 §2.1.4 consistency, proved from the log's tiles). Trust on first use of the key.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseCheckpoint, type Checkpoint } from './tlog/index.js';
import { why } from './tlog/index.js';
import { ClientError, type ClientErrorCode } from './fetch.js';
import { hex8, type VerifierKey } from './tlog/index.js';
import { MAX_NOTE_BYTES, verifyNote } from './tlog/index.js';
import { verifyConsistency } from './tlog/index.js';
import { hashReader } from './tlog/index.js';
import type { ReadFn } from './tlog/index.js';
import { isUnreadable, readText } from '../safeio/index.js';

/** The trusted checkpoint's file: from the key's name and id only (hashed: any name is a safe file name), never the URL. */
export function trustedCheckpointFile(stateDir: string, key: VerifierKey): string {
  const name = createHash('sha256').update(key.name, 'utf8').digest('hex').slice(0, 32);
  return join(stateDir, `checkpoint-${hex8(key.keyId)}-${name}`);
}

/** A signed checkpoint note, verified with the pinned key; its origin must be the key's name. */
export function openCheckpoint(
  note: Uint8Array | string,
  key: string,
  name: string,
  where: string,
  bad: ClientErrorCode,
): Checkpoint {
  let text: string;
  try {
    text = verifyNote(note, [key]).text;
  } catch (e) {
    throw new ClientError(
      bad,
      `${where}: checkpoint is not signed by the pinned key ${name}: ${why(e)}`,
      { cause: e },
    );
  }
  let c: Checkpoint;
  try {
    c = parseCheckpoint(text);
  } catch (e) {
    throw new ClientError(
      bad === 'EBADSIG' ? 'EMALFORMED' : bad,
      `${where}: signed checkpoint does not parse: ${why(e)}`,
      { cause: e },
    );
  }
  if (c.origin !== name)
    throw new ClientError(
      bad === 'EBADSIG' ? 'EORIGIN' : bad,
      `${where}: checkpoint origin ${JSON.stringify(c.origin)} is not the pinned key's name ${JSON.stringify(name)}`,
    );
  return c;
}

/** The last trusted checkpoint, undefined on first use; anything unreadable or unverified stops (never replaced). */
export function loadTrusted(
  file: string,
  key: string,
  name: string,
): { note: string; checkpoint: Checkpoint } | undefined {
  const text = readText(file, MAX_NOTE_BYTES);
  if (isUnreadable(text)) {
    if (text.absent) return undefined;
    throw new ClientError('ESTATE', `trusted checkpoint ${file}: ${text.reason}`);
  }
  return {
    note: text,
    checkpoint: openCheckpoint(text, key, name, `trusted checkpoint ${file}`, 'ESTATE'),
  };
}

/**
 * Throws unless `checkpoint` extends `old`: a smaller tree is a rollback (EROLLBACK); the same size with
 * another root, or a consistency proof that fails, is a fork (EFORK); tiles that do not hash to
 * `checkpoint`'s root are tampering (ETAMPERED, the read error kept as its cause). `read` gives log paths.
 */
export function checkExtends(
  old: Checkpoint | undefined,
  checkpoint: Checkpoint,
  read: ReadFn,
  where: string,
): void {
  if (!old || (checkpoint.size === old.size && Buffer.compare(checkpoint.root, old.root) === 0))
    return;
  if (checkpoint.size < old.size)
    throw new ClientError(
      'EROLLBACK',
      `${where}: log size ${checkpoint.size} is below the trusted size ${old.size}`,
    );
  if (checkpoint.size === old.size)
    throw new ClientError(
      'EFORK',
      `${where}: root of size ${checkpoint.size} differs from the trusted root: the log forked`,
    );
  if (old.size === 0) return; // every tree extends the empty one
  let proof: Uint8Array[];
  try {
    proof = hashReader(checkpoint.size, checkpoint.root, read).consistencyProof(old.size);
  } catch (e) {
    throw new ClientError('ETAMPERED', `${where}: tiles for size ${checkpoint.size}: ${why(e)}`, {
      cause: e,
    });
  }
  try {
    verifyConsistency(old.size, checkpoint.size, proof, old.root, checkpoint.root);
  } catch (e) {
    throw new ClientError(
      'EFORK',
      `${where}: size ${checkpoint.size} does not extend the trusted size ${old.size}: ${why(e)}`,
      { cause: e },
    );
  }
}

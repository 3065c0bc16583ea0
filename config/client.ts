// The client's verification of a collector's config: the newest entry of the config log at
// `<url>/config-log/` (c2sp.org/tlog-tiles), trusted only when its checkpoint is signed by the
// pinned key (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), extends the last checkpoint this
// client trusted (RFC 9162 §2.1.4 consistency) and includes the entry (§2.1.3 inclusion), and the
// entry is a valid config. Trust on first use of the pinned key; the trusted checkpoint only moves
// forward, and only once everything above held.
import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import { join } from 'node:path';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { CLIENT_VERSION, ClientError, collectorBase, getCapped, logUrl, type ClientErrorCode } from './fetch.js';
import { hex8, parseVerifier, type VerifierKey } from './keys.js';
import { parseBundle } from './log.js';
import { HASH_SIZE, leafHash } from './merkle.js';
import { MAX_NOTE_BYTES, verifyNote } from './note.js';
import { verifyConsistency, verifyInclusion } from './proof.js';
import { ConfigError, parseConfig, type UploadConfig } from './schema.js';
import { hashReader } from './tile-reader.js';
import { MAX_ENTRY_BYTES, TILE_WIDTH, bundlePath, type ReadFn } from './tiles.js';
import { isUnreadable, readText, writeAtomic } from '../counter/safeio/index.js';

export { ClientError, type ClientErrorCode } from './fetch.js';

/** Caps on each response, by kind of path. */
export interface Caps { checkpoint: number; tile: number; bundle: number }
/** A signed note; a full tile (256 hashes); a full bundle of 256 entries of the largest size. */
export const DEFAULT_CAPS: Caps = { checkpoint: MAX_NOTE_BYTES, tile: TILE_WIDTH * HASH_SIZE, bundle: TILE_WIDTH * (2 + MAX_ENTRY_BYTES) };
/** Tiles and bundles one verification may fetch: proofs need O(log size) of them, far fewer. */
const MAX_FETCHES = 256;

export interface FetchConfigOptions {
  /** The collector's base URL; the log lives at `<url>/config-log/`. */
  url: string;
  /** The pinned verifier key (`<name>+<id>+<key>`); its name is the log's origin. */
  key: string;
  /** Where the last trusted checkpoint for this collector (this key) is kept. */
  stateDir: string;
  /** The deadline for the whole verification, default 5000 ms. */
  timeoutMs?: number;
  maxBytes?: Partial<Caps>;
  /** The `<version>` of `User-Agent: transparent-telemetry/<version>`. */
  version?: string;
  /** The agent for each request (the uploader's proxy tunnel from HTTPS_PROXY); default a fresh connection. */
  agent?: (url: URL) => Agent | false;
}

export interface VerifiedConfig { config: UploadConfig; checkpoint: Checkpoint; index: number }

/** The trusted checkpoint's file: from the key's name and id only (hashed: any name is a safe file name), never the URL. */
export function trustedCheckpointFile(stateDir: string, key: VerifierKey): string {
  const name = createHash('sha256').update(key.name, 'utf8').digest('hex').slice(0, 32);
  return join(stateDir, `checkpoint-${hex8(key.keyId)}-${name}`);
}

class Need extends Error {
  constructor(readonly path: string) {
    super(`${path} is not fetched yet`);
  }
}

const needOf = (e: unknown): Need | undefined => (e instanceof Need ? e : (e as { cause?: unknown })?.cause instanceof Need ? ((e as { cause: Need }).cause) : undefined);
const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A signed checkpoint note, verified with the pinned key; its origin must be the key's name. */
function openCheckpoint(note: Uint8Array | string, key: string, name: string, where: string, bad: ClientErrorCode): Checkpoint {
  let text: string;
  try {
    text = verifyNote(note, [key]).text;
  } catch (e) {
    throw new ClientError(bad, `${where}: checkpoint is not signed by the pinned key ${name}: ${why(e)}`, { cause: e });
  }
  let c: Checkpoint;
  try {
    c = parseCheckpoint(text);
  } catch (e) {
    throw new ClientError(bad === 'EBADSIG' ? 'EMALFORMED' : bad, `${where}: signed checkpoint does not parse: ${why(e)}`, { cause: e });
  }
  if (c.origin !== name) throw new ClientError(bad === 'EBADSIG' ? 'EORIGIN' : bad, `${where}: checkpoint origin ${JSON.stringify(c.origin)} is not the pinned key's name ${JSON.stringify(name)}`);
  return c;
}

/** The last trusted checkpoint, undefined on first use; anything unreadable or unverified stops (never replaced). */
function loadTrusted(file: string, key: string, name: string): { note: string; checkpoint: Checkpoint } | undefined {
  const text = readText(file, MAX_NOTE_BYTES);
  if (isUnreadable(text)) {
    if (text.absent) return undefined;
    throw new ClientError('ESTATE', `trusted checkpoint ${file}: ${text.reason}`);
  }
  return { note: text, checkpoint: openCheckpoint(text, key, name, `trusted checkpoint ${file}`, 'ESTATE') };
}

/** Verifies a collector's config log and returns its newest config. See the file comment. */
export async function fetchVerifiedConfig(opts: FetchConfigOptions): Promise<VerifiedConfig> {
  const base = collectorBase(opts.url); // before any connection
  let key: VerifierKey;
  try {
    key = parseVerifier(opts.key);
  } catch (e) {
    throw new ClientError('EKEY', `pinned key: ${why(e)}`, { cause: e });
  }
  const caps = { ...DEFAULT_CAPS, ...opts.maxBytes };
  const file = trustedCheckpointFile(opts.stateDir, key);
  const trusted = loadTrusted(file, opts.key, key.name);
  const at = (path: string): string => { const u = logUrl(base, path); return `${u.protocol}//${u.host}${u.pathname}`; };
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), opts.timeoutMs ?? 5000);
  timer.unref(); // the pending request holds the event loop, never this timer
  try {
    const ua = `transparent-telemetry/${opts.version ?? CLIENT_VERSION}`;
    const get = (path: string, cap: number): Promise<Uint8Array> => { const u = logUrl(base, path); return getCapped(u, cap, ac.signal, ua, opts.agent?.(u) ?? false); };
    const note = await get('checkpoint', caps.checkpoint);
    const cp = openCheckpoint(note, opts.key, key.name, at('checkpoint'), 'EBADSIG');
    const old = trusted?.checkpoint;
    if (old && cp.size < old.size) throw new ClientError('EROLLBACK', `${at('checkpoint')}: log size ${cp.size} is below the trusted size ${old.size}`);
    if (old && cp.size === old.size && Buffer.compare(cp.root, old.root) !== 0) {
      throw new ClientError('EFORK', `${at('checkpoint')}: root of size ${cp.size} differs from the trusted root: the log forked`);
    }
    if (cp.size === 0) throw new ClientError('EMALFORMED', `${at('checkpoint')}: the log is empty; it holds no config`);

    // hashReader reads synchronously: run the proof, fetch the one file it missed, run it again.
    const files = new Map<string, Uint8Array>();
    const read: ReadFn = (path) => {
      const got = files.get(path);
      if (!got) throw new Need(path);
      return got;
    };
    const withFiles = async <T>(code: ClientErrorCode, where: string, what: string, fn: () => T): Promise<T> => {
      for (;;) {
        try {
          return fn();
        } catch (e) {
          const need = needOf(e);
          if (!need) throw e instanceof ClientError ? e : new ClientError(code, `${where}: ${what}: ${why(e)}`, { cause: e });
          if (files.size >= MAX_FETCHES) throw new ClientError(code, `${at(need.path)}: ${what} needs over ${MAX_FETCHES} files`);
          files.set(need.path, await get(need.path, need.path.startsWith('tile/entries/') ? caps.bundle : caps.tile));
        }
      }
    };
    const hashes = (): ReturnType<typeof hashReader> => hashReader(cp.size, cp.root, read);

    if (old && cp.size > old.size) {
      // Tiles that do not hash to the new root are tampering; a proof that fails is a fork.
      const proof = await withFiles('ETAMPERED', at('checkpoint'), `tiles for size ${cp.size}`, () => hashes().consistencyProof(old.size));
      try {
        verifyConsistency(old.size, cp.size, proof, old.root, cp.root);
      } catch (e) {
        throw new ClientError('EFORK', `${at('checkpoint')}: size ${cp.size} does not extend the trusted size ${old.size}: ${why(e)}`, { cause: e });
      }
    }

    const index = cp.size - 1;
    const n = Math.floor(index / TILE_WIDTH);
    const path = bundlePath({ index: n, width: Math.min(TILE_WIDTH, cp.size - n * TILE_WIDTH) });
    const entry = await withFiles('ETAMPERED', at(path), `entry ${index}`, () => {
      const width = Math.min(TILE_WIDTH, cp.size - n * TILE_WIDTH);
      const e = parseBundle(path, read(path), width)[index % TILE_WIDTH]!;
      verifyInclusion(index, cp.size, leafHash(e), hashes().inclusionProof(index), cp.root);
      return e;
    });
    let config: UploadConfig;
    try {
      config = parseConfig(entry);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new ClientError('EMALFORMED', `${at(path)}: entry ${index}: ${e.message}`, { cause: e });
    }
    if (ac.signal.aborted) throw new ClientError('ETIMEOUT', `${at('checkpoint')}: verification did not finish within the deadline`);
    try {
      writeAtomic(file, Buffer.from(note).toString('utf8'));
    } catch (e) {
      throw new ClientError('ESTATE', `trusted checkpoint ${file} could not be written: ${why(e)}`, { cause: e });
    }
    return { config, checkpoint: cp, index };
  } finally {
    clearTimeout(timer);
  }
}

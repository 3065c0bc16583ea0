// The client's verification of a collector's config: the newest entry of the config log at
// `<url>/config-log/` (c2sp.org/tlog-tiles), trusted only when its checkpoint is signed by the
// pinned key (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), extends the last checkpoint this
// client trusted (RFC 9162 §2.1.4 consistency) and includes the entry (§2.1.3 inclusion), and the
// entry is a valid config. When witnesses are pinned, a quorum of them must have cosigned the
// checkpoint (c2sp.org/tlog-cosignature). Trust on first use of the pinned key; the trusted
// checkpoint only moves forward, and only once everything above held.
import type { Agent } from 'node:http';
import { join } from 'node:path';
import type { Checkpoint, ReadFn, VerifierKey } from './tlog/index.js';
import {
  HASH_SIZE,
  MAX_ENTRY_BYTES,
  MAX_NOTE_BYTES,
  TILE_WIDTH,
  bundlePath,
  hashReader,
  leafHash,
  verifyInclusion,
  why,
} from './tlog/index.js';
import {
  CLIENT_VERSION,
  ClientError,
  collectorBase,
  getCapped,
  logUrl,
  type ClientErrorCode,
} from './fetch.js';
import { parseBundle, symlinkRefusal } from './log.js';
import { type PinnedKeys, cosignersOf, parsePinnedKeys } from './pinned-keys.js';
import { ConfigError, parseConfig, type UploadConfig } from './schema.js';
import { checkExtends, loadTrusted, openCheckpoint, trustedCheckpointFile } from './trust.js';
import { isUnreadable, readBytes, writeAtomic } from '../safeio/index.js';

export { ClientError, type ClientErrorCode } from './fetch.js';
export { trustedCheckpointFile } from './trust.js';
export type { PinnedKeys } from './pinned-keys.js';

/** Caps on each response, by kind of path. */
export interface Caps {
  checkpoint: number;
  tile: number;
  bundle: number;
}
/** A signed note; a full tile (256 hashes); a full bundle of 256 entries of the largest size. */
export const DEFAULT_CAPS: Caps = {
  checkpoint: MAX_NOTE_BYTES,
  tile: TILE_WIDTH * HASH_SIZE,
  bundle: TILE_WIDTH * (2 + MAX_ENTRY_BYTES),
};
/** Tiles and bundles one verification may fetch: proofs need O(log size) of them, far fewer. */
const MAX_FETCHES = 256;

export interface FetchConfigOptions extends PinnedKeys {
  /** The collector's base URL; the log lives at `<url>/config-log/`. */
  url: string;
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

export interface VerifiedConfig {
  config: UploadConfig;
  checkpoint: Checkpoint;
  /** The entry's index in the log: the config's version, written `v<index>`. */
  index: number;
  /** The entry's exact bytes, as the vendor published them. */
  entry: Uint8Array;
  /** The witnesses whose cosignatures verified (empty when none are pinned). */
  cosignedBy: string[];
}

/** Where the log's files come from: an HTTP collector or a directory. */
interface Source {
  get(path: string, cap: number): Promise<Uint8Array>;
  /** The file as named in messages (a URL without query, or a path). */
  at(path: string): string;
  /** True once the deadline passed. */
  late(): boolean;
}

class Need extends Error {
  constructor(readonly path: string) {
    super(`${path} is not fetched yet`);
  }
}

function needOf(err: unknown): Need | undefined {
  for (let c = err, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++)
    if (c instanceof Need) return c;
  return undefined;
}

/**
 * The core of both readers: the checkpoint (log key, witnesses), its extension of `old`, the
 * newest entry's inclusion, the config. hashReader reads synchronously: run a step, fetch the one
 * file it missed, run it again.
 */
async function verifyFrom(
  src: Source,
  pinned: PinnedKeys,
  key: VerifierKey,
  caps: Caps,
  old?: Checkpoint,
): Promise<VerifiedConfig & { note: Uint8Array }> {
  const note = await src.get('checkpoint', caps.checkpoint);
  const cp = openCheckpoint(note, pinned.key, key.name, src.at('checkpoint'), 'EBADSIG');
  const cosignedBy = cosignersOf(note, pinned, src.at('checkpoint'));
  const files = new Map<string, Uint8Array>();
  const read: ReadFn = (path) => {
    const got = files.get(path);
    if (!got) throw new Need(path);
    return got;
  };
  const withFiles = async <T>(
    code: ClientErrorCode,
    where: string,
    what: string,
    step: () => T,
  ): Promise<T> => {
    for (;;) {
      try {
        return step();
      } catch (e) {
        const need = needOf(e);
        if (!need)
          throw e instanceof ClientError
            ? e
            : new ClientError(code, `${where}: ${what}: ${why(e)}`, { cause: e });
        if (files.size >= MAX_FETCHES)
          throw new ClientError(
            code,
            `${src.at(need.path)}: ${what} needs over ${MAX_FETCHES} files`,
          );
        files.set(
          need.path,
          await src.get(need.path, need.path.startsWith('tile/entries/') ? caps.bundle : caps.tile),
        );
      }
    }
  };
  // A rollback or fork is refused before an empty log, as before any file is fetched.
  await withFiles('ETAMPERED', src.at('checkpoint'), `tiles for size ${cp.size}`, () =>
    checkExtends(old, cp, read, src.at('checkpoint')),
  );
  if (cp.size === 0)
    throw new ClientError(
      'EMALFORMED',
      `${src.at('checkpoint')}: the log is empty; it holds no config`,
    );

  const index = cp.size - 1;
  const n = Math.floor(index / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, cp.size - n * TILE_WIDTH);
  const path = bundlePath({ index: n, width });
  const entry = await withFiles('ETAMPERED', src.at(path), `entry ${index}`, () => {
    const e = parseBundle(path, read(path), width)[index % TILE_WIDTH]!;
    verifyInclusion(
      index,
      cp.size,
      leafHash(e),
      hashReader(cp.size, cp.root, read).inclusionProof(index),
      cp.root,
    );
    return e;
  });
  let config: UploadConfig;
  try {
    config = parseConfig(entry);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ClientError('EMALFORMED', `${src.at(path)}: entry ${index}: ${e.message}`, {
      cause: e,
    });
  }
  if (src.late())
    throw new ClientError(
      'ETIMEOUT',
      `${src.at('checkpoint')}: verification did not finish within the deadline`,
    );
  return { config, checkpoint: cp, index, entry, cosignedBy, note };
}

/** Verifies a collector's config log and returns its newest config. See the file comment. */
export async function fetchVerifiedConfig(opts: FetchConfigOptions): Promise<VerifiedConfig> {
  const base = collectorBase(opts.url); // before any connection
  const key = parsePinnedKeys(opts);
  const caps = { ...DEFAULT_CAPS, ...opts.maxBytes };
  const file = trustedCheckpointFile(opts.stateDir, key);
  const trusted = loadTrusted(file, opts.key, key.name);
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), opts.timeoutMs ?? 5000);
  timer.unref(); // the pending request holds the event loop, never this timer
  try {
    const ua = `transparent-telemetry/${opts.version ?? CLIENT_VERSION}`;
    const src: Source = {
      get: (path, cap) => {
        const u = logUrl(base, path);
        return getCapped(u, cap, ac.signal, ua, opts.agent?.(u) ?? false);
      },
      at: (path) => {
        const u = logUrl(base, path);
        return `${u.protocol}//${u.host}${u.pathname}`;
      },
      late: () => ac.signal.aborted,
    };
    const { note, ...got } = await verifyFrom(src, opts, key, caps, trusted?.checkpoint);
    try {
      writeAtomic(file, Buffer.from(note).toString('utf8'));
    } catch (e) {
      throw new ClientError(
        'ESTATE',
        `trusted checkpoint ${file} could not be written: ${why(e)}`,
        { cause: e },
      );
    }
    return got;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same verification of a log kept in a directory (a vendor's or a mirror's copy), with no
 * trusted state: the checkpoint (log key and witnesses), the newest entry's inclusion, the config.
 */
export async function readVerifiedConfig(
  opts: PinnedKeys & { dir: string },
): Promise<VerifiedConfig> {
  const key = parsePinnedKeys(opts);
  const src: Source = {
    get: async (path, cap) => {
      const link = symlinkRefusal(join(opts.dir, path));
      if (link) throw new ClientError('EREAD', `${join(opts.dir, path)} ${link}`);
      const r = readBytes(join(opts.dir, path), cap);
      if (!isUnreadable(r)) return r;
      throw new ClientError(
        r.reason.startsWith('is too large') ? 'ETOOBIG' : 'EREAD',
        `${join(opts.dir, path)}: ${r.reason}`,
      );
    },
    at: (path) => join(opts.dir, path),
    late: () => false,
  };
  const { note: _, ...got } = await verifyFrom(src, opts, key, DEFAULT_CAPS);
  return got;
}

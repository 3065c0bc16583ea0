// Fetches a served config log into memory so that verifyLog (which reads synchronously) can
// check it: the checkpoint, then every tile and bundle its size calls for. Each GET is capped in
// size and time, status 200 only, no redirects; the count of files is capped through the size.
import { request as httpGet } from 'node:http';
import { request as httpsGet } from 'node:https';
import {
  MAX_ENTRY_BYTES,
  MAX_NOTE_BYTES,
  type ReadFn,
  TileError,
  bundlePath,
  parseCheckpoint,
  tilePath,
  tilesForSize,
  verifyNote,
} from '../../config/index.js';
import { CliError, why } from './common.js';

/** A config log holds a few configs a year; 2^20 entries is ~8200 files to fetch, and far beyond any real log. */
const MAX_SIZE = 1 << 20;
const TIMEOUT_MS = 30_000;

/** One GET of at most `cap` bytes; `signal` ends it (the caller's overall deadline). */
export function get(url: URL, cap: number, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsGet : httpGet;
    const req = send(url, { timeout: TIMEOUT_MS, signal }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new CliError(`${url.href}: http status ${res.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (chunk: Buffer) => {
        n += chunk.length;
        if (n > cap) {
          req.destroy();
          reject(new CliError(`${url.href}: more than the ${cap} bytes such a file may be`));
        } else chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', (err) => reject(new CliError(`${url.href}: ${why(err)}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', (err) => {
      reject(new CliError(`${url.href}: ${signal?.aborted ? String(signal.reason) : why(err)}`));
    });
    req.end();
  });
}

/**
 * Every file of the log at `base` (ending in '/'), as a ReadFn over what was fetched, within
 * one overall deadline: a host that drips a byte at a time cannot hold a monitor for ever.
 */
export async function fetchLog(base: URL, key: string, deadlineMs: number): Promise<ReadFn> {
  const deadline = new AbortController();
  const reason = `not fetched within the deadline of ${deadlineMs / 1000} s`;
  const timer = setTimeout(() => deadline.abort(reason), deadlineMs);
  try {
    return await fetchAll(base, key, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchAll(base: URL, verifierKey: string, signal: AbortSignal): Promise<ReadFn> {
  const files = new Map<string, Uint8Array>();
  const read: ReadFn = (path) => {
    const got = files.get(path);
    if (!got) throw new TileError('EMISSING', `${path} was not fetched`);
    return got;
  };
  files.set('checkpoint', await get(new URL('checkpoint', base), MAX_NOTE_BYTES, signal));
  let size: number;
  try {
    size = parseCheckpoint(verifyNote(read('checkpoint'), [verifierKey]).text).size;
  } catch {
    return read; // verifyLog reports what is wrong with it
  }
  if (size > MAX_SIZE)
    throw new CliError(
      `${base.href}: checkpoint size ${size} is over the ${MAX_SIZE} entries a monitor fetches`,
    );
  for (const t of tilesForSize(size)) {
    const paths = t.level === 0 ? [tilePath(t), bundlePath(t)] : [tilePath(t)];
    for (const p of paths) {
      const cap = p.startsWith('tile/entries/') ? t.width * (2 + MAX_ENTRY_BYTES) : t.width * 32;
      files.set(p, await get(new URL(p, base), cap, signal));
    }
  }
  return read;
}

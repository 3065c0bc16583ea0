// The HTTP part of the client's config verification: one GET per log path, nothing of the user
// in it. https only (plain http to loopback, for tests and local collectors), no redirects, no
// cookies, no query string, one User-Agent header; every body capped by what its path may hold
// (c2sp.org/tlog-tiles sizes), one deadline for the whole verification. node:http only, no dependency.
import { get as httpGet, type Agent, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import pkg from '../package.json' with { type: 'json' };
import { checkCollectorUrl } from '../safeio/index.js';
import { CodedError } from './tlog/index.js';

export type ClientErrorCode =
  | 'EINSECURE' // not https, and not http to a loopback host
  | 'EURL' // not a URL, or one with credentials, a query or a fragment
  | 'ETIMEOUT' // the verification did not finish within its deadline
  | 'ETOOBIG' // a response over its path's cap
  | 'EHTTP' // a status other than 200 (redirects are not followed)
  | 'ENETWORK' // connection refused or reset, a response cut short
  | 'EKEY' // the pinned verifier key does not parse
  | 'EBADSIG' // the checkpoint is not a note validly signed by the pinned key
  | 'EORIGIN' // the checkpoint's origin is not the pinned key's name
  | 'EROLLBACK' // the log is smaller than the trusted checkpoint
  | 'EFORK' // the log does not extend the trusted checkpoint
  | 'ETAMPERED' // a tile, bundle or entry does not hash to the signed root
  | 'EMALFORMED' // a signed checkpoint or config entry that does not parse
  | 'ESTATE' // the trusted checkpoint cannot be read, verified or written
  | 'EWITNESS' // fewer pinned witnesses than the quorum validly cosigned the checkpoint
  | 'EUSAGE' // the options are wrong: a witness quorum outside 1..the number of witness keys
  | 'EREAD'; // a log file in a directory cannot be read (readVerifiedConfig)

export class ClientError extends CodedError<ClientErrorCode> {
  override name = 'ClientError';
}

/** Sent as `User-Agent: transparent-telemetry/<version>`; the package version (inlined at build). */
export const CLIENT_VERSION: string = pkg.version;

/** The collector's base URL, ending in '/', or why it may not be used; checked before any connection. */
export function collectorBase(url: string): URL {
  const checked = checkCollectorUrl(url);
  if (checked instanceof URL) return checked;
  throw new ClientError(checked.code, checked.reason);
}

/** The URL of a log path (c2sp.org/tlog-tiles names, already checked) under `<base>config-log/`. */
export function logUrl(base: URL, path: string): URL {
  return new URL(`config-log/${path}`, base);
}

/**
 * GETs `url` and returns its body: status 200 only, at most `cap` bytes (the socket is destroyed
 * as soon as more arrives), before `signal` aborts. Always settles; never leaves a socket open.
 */
export function getCapped(
  url: URL,
  cap: number,
  signal: AbortSignal,
  userAgent = `transparent-telemetry/${CLIENT_VERSION}`,
  agent: Agent | false = false,
): Promise<Uint8Array> {
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  if (signal.aborted)
    return Promise.reject(
      new ClientError('ETIMEOUT', `${where}: the deadline passed before the request`),
    );
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: ClientError | undefined, body?: Uint8Array): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) reject(err);
      else resolve(body!);
    };
    const onAbort = (): void =>
      finish(new ClientError('ETIMEOUT', `${where}: no complete answer within the deadline`));
    const onResponse = (res: IncomingMessage): void => {
      if (res.statusCode !== 200)
        return finish(
          new ClientError(
            'EHTTP',
            `${where}: http status ${res.statusCode} (want 200; redirects are not followed)`,
          ),
        );
      const declared = Number(res.headers['content-length']);
      const tooBig = (seen: number): ClientError =>
        new ClientError(
          'ETOOBIG',
          `${where}: response is over ${cap} bytes (${seen}${seen > cap ? '' : '+'} seen)`,
        );
      if (declared > cap) return finish(tooBig(declared));
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (chunk: Buffer) => {
        n += chunk.length;
        if (n > cap) return finish(tooBig(n));
        chunks.push(chunk);
      });
      res.on('end', () => finish(res.complete ? undefined : cut(), Buffer.concat(chunks)));
      res.on('error', (err) => finish(cut(err)));
      res.on('close', () => finish(cut()));
    };
    const cut = (err?: Error): ClientError =>
      new ClientError('ENETWORK', `${where}: response cut short${err ? ` (${err.message})` : ''}`, {
        cause: err,
      });
    // agent false (the default): a fresh connection, closed after (no idle socket keeps the host's
    // event loop alive). The uploader passes a proxy tunnel agent that keeps no socket either.
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    const req = get(url, { agent, headers: { 'User-Agent': userAgent } }, onResponse);
    req.on('error', (err) =>
      finish(new ClientError('ENETWORK', `${where}: ${err.message}`, { cause: err })),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

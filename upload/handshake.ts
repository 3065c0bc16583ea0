// Reading a proxy's handshake off a socket before the socket carries the tunnel: bounded in
// bytes and in time, and settled exactly once whether the proxy answers, closes or stalls.
import type { Duplex } from 'node:stream';

/**
 * A proxy failure, named: `code` is EPROXY, EPROXYAUTH (407, or a SOCKS5 login refused),
 * EPROXYTIMEOUT, or EPROXYUNUSABLE (a setting the uploader cannot use: nothing was dialled).
 */
export class ProxyError extends Error {
  constructor(
    readonly code: 'EPROXY' | 'EPROXYAUTH' | 'EPROXYTIMEOUT' | 'EPROXYUNUSABLE',
    message: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

export const HANDSHAKE_TIMEOUT_MS = 10_000;
const MAX_HANDSHAKE_BYTES = 16 * 1024;

/**
 * Waits until `complete(bytes)` says how many bytes form the answer (-1: not yet), and returns
 * them. Any byte after the answer is given back to the socket for the tunnel.
 */
export function readAnswer(
  sock: Duplex,
  complete: (bytes: Buffer) => number,
  what: string,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0);
    const timer = setTimeout(
      () =>
        settle(
          new ProxyError('EPROXYTIMEOUT', `${what}: no answer within ${HANDSHAKE_TIMEOUT_MS} ms`),
        ),
      HANDSHAKE_TIMEOUT_MS,
    );
    timer.unref();
    const settle = (err: Error | null, answer?: Buffer): void => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('error', onError);
      sock.off('close', onClose);
      if (err) {
        sock.destroy();
        reject(err);
      } else {
        sock.pause();
        resolve(answer!);
      }
    };
    const onData = (chunk: Buffer): void => {
      bytes = Buffer.concat([bytes, chunk]);
      const end = complete(bytes);
      if (end >= 0) {
        if (end < bytes.length) sock.unshift(bytes.subarray(end));
        return settle(null, bytes.subarray(0, end));
      }
      if (bytes.length > MAX_HANDSHAKE_BYTES)
        settle(new ProxyError('EPROXY', `${what}: answer over ${MAX_HANDSHAKE_BYTES} bytes`));
    };
    const onError = (err: Error): void =>
      settle(err instanceof ProxyError ? err : new ProxyError('EPROXY', `${what}: ${err.message}`));
    const onClose = (): void =>
      settle(new ProxyError('EPROXY', `${what}: the proxy closed the connection`));
    sock.on('data', onData);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.resume();
  });
}

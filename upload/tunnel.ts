// The agent that carries the uploader's https requests through the route the environment asks
// for (proxy.ts): an http or https proxy's CONNECT (with Proxy-Authorization: Basic when the
// proxy URL has a user), or a SOCKS5 tunnel; TLS to the collector runs end to end inside, so
// the proxy sees the collector's name and nothing of the report. A route that cannot be used
// fails every request at once, before any connection: never a direct one instead.
import type { Agent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { HANDSHAKE_TIMEOUT_MS, ProxyError, readAnswer } from './handshake.js';
import { type Proxy, proxyLabel, routeFor } from './proxy.js';
import { socksConnect } from './socks.js';

type Env = Record<string, string | undefined>;
type Callback = (err: Error | null, socket?: Socket) => void;

/**
 * An agent for the target: a tunnel when a proxy applies, one that refuses when the proxy
 * setting cannot be used, else none (a fresh direct connection).
 */
export function agentFor(target: URL, env: Env): Agent | false {
  const route = routeFor(target, env);
  if (route.kind === 'direct') return false;
  // http targets are loopback only (the collector-URL rule), and loopback is never proxied.
  if (route.kind === 'unusable' || target.protocol !== 'https:') {
    const reason =
      route.kind === 'unusable' ? route.reason : `${proxyLabel(route.proxy)} is set for plain http`;
    return new RefusingAgent(reason);
  }
  return new TunnelAgent(route.proxy);
}

/** Fails each request with the reason, making no connection at all. */
class RefusingAgent extends HttpsAgent {
  constructor(private readonly reason: string) {
    super({ keepAlive: false });
  }

  override createConnection = ((_options: ConnectionOptions, done: Callback): undefined => {
    process.nextTick(() => done(new ProxyError('EPROXYUNUSABLE', this.reason)));
    return undefined;
  }) as unknown as HttpsAgent['createConnection'];
}

/** One tunnel per request, none kept: nothing is left to hold the host's event loop. */
export class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: Proxy,
    opts: AgentOptions = {},
  ) {
    super({ ...opts, keepAlive: false });
  }

  // Node's Agent accepts the socket through the callback (agent-base and others rely on it).
  override createConnection = ((
    options: ConnectionOptions & { host?: string; port?: number },
    done: Callback,
  ): undefined => {
    const host = options.host ?? '';
    const port = Number(options.port ?? 443);
    tunnel(this.proxy, host, port).then(
      (sock) =>
        done(
          null,
          tlsConnect({
            ...options,
            socket: sock,
            servername: options.servername ?? (isIP(host) ? undefined : host),
          }) as unknown as Socket,
        ),
      (err: Error) => done(err),
    );
    return undefined;
  }) as unknown as HttpsAgent['createConnection'];
}

/** A socket to host:port through `proxy`, ready for TLS. */
async function tunnel(proxy: Proxy, host: string, port: number): Promise<Duplex> {
  const sock = await dial(proxy);
  try {
    if (proxy.scheme === 'socks5' || proxy.scheme === 'socks5h')
      await socksConnect(sock, proxy, host, port);
    else await httpConnect(sock, proxy, host, port);
    return sock;
  } catch (e) {
    sock.destroy();
    throw e;
  }
}

/** The connection to the proxy itself: TLS for an https proxy, its name checked as any server's. */
function dial(proxy: Proxy): Promise<Duplex> {
  const where = `proxy ${proxyLabel(proxy)}`;
  return new Promise((resolve, reject) => {
    const servername = isIP(proxy.host) ? undefined : proxy.host;
    const sock =
      proxy.scheme === 'https'
        ? tlsConnect({ host: proxy.host, port: proxy.port, servername })
        : netConnect({ host: proxy.host, port: proxy.port });
    const ready = proxy.scheme === 'https' ? 'secureConnect' : 'connect';
    const fail = (err: Error): void => {
      sock.destroy();
      reject(
        new ProxyError(err instanceof ProxyError ? err.code : 'EPROXY', `${where}: ${err.message}`),
      );
    };
    sock.setTimeout(HANDSHAKE_TIMEOUT_MS, () =>
      fail(new ProxyError('EPROXYTIMEOUT', `no connection within ${HANDSHAKE_TIMEOUT_MS} ms`)),
    );
    sock.once('error', fail);
    sock.once(ready, () => {
      sock.setTimeout(0);
      sock.off('error', fail);
      resolve(sock);
    });
  });
}

/** RFC 7617's credentials: base64 of `user:password` in UTF-8. */
function basic(auth: { user: string; password: string }): string {
  return Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64');
}

/** CONNECT host:port; a 407 is its own named error (EPROXYAUTH), any other non-200 EPROXY. */
async function httpConnect(sock: Duplex, proxy: Proxy, host: string, port: number): Promise<void> {
  const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const auth = proxy.auth ? `Proxy-Authorization: Basic ${basic(proxy.auth)}\r\n` : '';
  sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
  const where = `proxy ${proxyLabel(proxy)}`;
  const head = await readAnswer(
    sock,
    (received) => {
      const end = received.indexOf('\r\n\r\n');
      return end < 0 ? -1 : end + 4;
    },
    where,
  );
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1'))?.[1];
  if (status === '200') return;
  if (status === '407') {
    const hint = proxy.auth
      ? 'refused the user and password in'
      : 'wants a user and password; put user:password@ in';
    throw new ProxyError(
      'EPROXYAUTH',
      `${where} answered 407 Proxy Authentication Required: it ${hint} ${proxy.variable}`,
    );
  }
  throw new ProxyError(
    'EPROXY',
    `${where} refused CONNECT to ${target} (status ${status ?? 'unreadable'})`,
  );
}

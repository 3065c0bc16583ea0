// Proxies from the environment, as command-line tools read them (curl's rules): HTTPS_PROXY for
// https targets, HTTP_PROXY for http ones (lowercase first, as curl; never upper-case
// HTTP_PROXY alone in a CGI setting: curl ignores it too, and so do we), NO_PROXY a comma- or
// space-separated list of host suffixes with optional ports, `*` for all. Loopback targets are
// never proxied (as Go's http.ProxyFromEnvironment): a collector on this machine is reached
// directly. https goes through the proxy with CONNECT, so the proxy sees only host and port.
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

type Env = Record<string, string | undefined>;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

function envOf(env: Env, name: string): string {
  return env[name.toLowerCase()] ?? env[name.toUpperCase()] ?? '';
}

/** The proxy URL for `target`, or null to connect directly. */
export function proxyFor(target: URL, env: Env): URL | null {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK.test(host)) return null;
  const raw = target.protocol === 'https:' ? envOf(env, 'https_proxy') : (env.http_proxy ?? '');
  if (raw === '' || noProxy(host, target.port || (target.protocol === 'https:' ? '443' : '80'), envOf(env, 'no_proxy'))) return null;
  try {
    const u = new URL(raw.includes('://') ? raw : `http://${raw}`);
    return u.protocol === 'http:' ? u : null;
  } catch {
    return null;
  }
}

/** curl's NO_PROXY: `*`; `host`, `.host` or `*.host` match the host and its subdomains; `host:port` only that port. */
export function noProxy(host: string, port: string, list: string): boolean {
  for (let entry of list.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let p = '';
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m && !entry.startsWith('[') && isIP(entry) !== 6) [, entry, p] = m as unknown as [string, string, string];
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (p !== '' && p !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/**
 * An https agent that reaches the target through an http proxy's CONNECT tunnel. One
 * connection per request, none kept: nothing is left to hold the host's event loop.
 */
export class TunnelAgent extends HttpsAgent {
  constructor(private readonly proxy: URL, opts: AgentOptions = {}) {
    super({ ...opts, keepAlive: false });
  }

  // Node's Agent accepts the socket through the callback (agent-base and others rely on it).
  override createConnection = ((options: ConnectionOptions & { host?: string; port?: number }, cb: (err: Error | null, s?: Socket) => void): undefined => {
    const target = `${options.host}:${options.port ?? 443}`;
    const sock = netConnect({ host: this.proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(this.proxy.port || 80) });
    let buf = Buffer.alloc(0);
    const fail = (e: Error): void => {
      sock.destroy();
      cb(e);
    };
    sock.once('error', fail);
    sock.once('connect', () => sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return buf.length > 16384 ? fail(new Error('proxy answer to CONNECT is too long')) : undefined;
      sock.off('data', onData);
      sock.off('error', fail);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buf.subarray(0, end).toString('latin1'))?.[1];
      if (status !== '200') return fail(new Error(`proxy refused CONNECT to ${target} (status ${status ?? 'unreadable'})`));
      const tls = tlsConnect({ ...options, socket: sock, servername: options.servername ?? (isIP(options.host ?? '') ? undefined : options.host) });
      cb(null, tls as unknown as Socket);
    };
    sock.on('data', onData);
    return undefined;
  }) as unknown as HttpsAgent['createConnection'];
}

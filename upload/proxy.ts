// Proxies from the environment, as command-line tools read them (curl's rules): HTTPS_PROXY for
// https targets, HTTP_PROXY for http ones (lowercase first, as curl; never upper-case
// HTTP_PROXY alone in a CGI setting: curl ignores it too, and so do we), NO_PROXY a comma- or
// space-separated list of host suffixes with optional ports, `*` for all. Loopback targets are
// never proxied (as Go's http.ProxyFromEnvironment): a collector on this machine is reached
// directly. A proxy that is set but cannot be used is never a reason to connect directly: a
// user who routes traffic through a proxy for privacy must not have the upload reveal their
// address (docs/upload-network.md). The tunnels themselves are in tunnel.ts and socks.ts.
import { isIP } from 'node:net';
import { isLoopbackHost } from '../safeio/index.js';

type Env = Record<string, string | undefined>;

/** The proxy kinds the uploader speaks. */
export type ProxyScheme = 'http' | 'https' | 'socks5' | 'socks5h';

export interface Proxy {
  scheme: ProxyScheme;
  host: string;
  port: number;
  /** Decoded `user:password@`, sent to the proxy only (Proxy-Authorization, or SOCKS5's login). */
  auth: { user: string; password: string } | null;
  /** The variable it came from, for messages. */
  variable: string;
}

/** How to reach a target: directly, through a proxy, or not at all (and why). */
export type Route =
  | { kind: 'direct' }
  | { kind: 'proxy'; proxy: Proxy }
  | { kind: 'unusable'; reason: string };

const DEFAULT_PORTS: Record<ProxyScheme, number> = {
  http: 80,
  https: 443,
  socks5: 1080,
  socks5h: 1080,
};

/** The variable curl reads for `name`, lowercase first, with its name. */
function envOf(env: Env, name: string): [string, string] {
  const lower = env[name.toLowerCase()];
  if (lower !== undefined && lower !== '') return [name.toLowerCase(), lower];
  return [name.toUpperCase(), env[name.toUpperCase()] ?? ''];
}

/** The route to `target` that the environment asks for. */
export function routeFor(target: URL, env: Env): Route {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopbackHost(target.hostname)) return { kind: 'direct' };
  const [variable, raw] =
    target.protocol === 'https:' ? envOf(env, 'https_proxy') : ['http_proxy', env.http_proxy ?? ''];
  if (raw.trim() === '') return { kind: 'direct' };
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (noProxy(host, port, envOf(env, 'no_proxy')[1])) return { kind: 'direct' };
  return parseProxy(variable, raw.trim());
}

/** `raw` as a proxy the uploader can use, or why not (never: connect directly). */
export function parseProxy(variable: string, raw: string): Route {
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return {
      kind: 'unusable',
      reason: `${variable} is not a URL, so reports wait rather than go around it`,
    };
  }
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  if (!(scheme in DEFAULT_PORTS)) {
    const kinds = Object.keys(DEFAULT_PORTS).join(', ');
    return {
      kind: 'unusable',
      reason:
        `${variable} names a ${scheme}: proxy, which the uploader does not speak (${kinds}); ` +
        'reports wait rather than go around it',
    };
  }
  if (u.hostname === '')
    return {
      kind: 'unusable',
      reason: `${variable} names no proxy host; reports wait rather than go around it`,
    };
  let auth: Proxy['auth'] = null;
  try {
    if (u.username !== '' || u.password !== '')
      auth = { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  } catch {
    return {
      kind: 'unusable',
      reason: `${variable} has a user or password that is not valid percent-encoding`,
    };
  }
  const proxy: Proxy = {
    scheme: scheme as ProxyScheme,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port) || DEFAULT_PORTS[scheme as ProxyScheme],
    auth,
    variable,
  };
  return { kind: 'proxy', proxy };
}

/** The proxy as messages name it: never its user or password. */
export function proxyLabel(proxy: Proxy): string {
  const host = isIP(proxy.host) === 6 ? `[${proxy.host}]` : proxy.host;
  return `${proxy.scheme}://${host}:${proxy.port} (${proxy.variable})`;
}

/**
 * curl's NO_PROXY: `*`; `host`, `.host` or `*.host` match the host and its subdomains;
 * `host:port` only that port.
 */
export function noProxy(host: string, port: string, list: string): boolean {
  for (let entry of list.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let p = '';
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m && !entry.startsWith('[') && isIP(entry) !== 6)
      [, entry, p] = m as unknown as [string, string, string];
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (p !== '' && p !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

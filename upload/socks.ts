// A SOCKS5 client handshake (RFC 1928), with the user/password login of RFC 1929 when the
// proxy URL carries one. socks5h hands the proxy the host name (the proxy resolves it);
// socks5 resolves it here first, as curl does. Only CONNECT, only what the uploader needs.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { ProxyError, readAnswer } from './handshake.js';
import type { Proxy } from './proxy.js';
import { proxyLabel } from './proxy.js';

const VERSION = 5;
const NO_AUTH = 0x00;
const USER_PASSWORD = 0x02;
const NO_METHOD = 0xff;

/** RFC 1928's reply codes, for messages. */
const REPLIES: Record<number, string> = {
  1: 'general failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** Asks the SOCKS5 proxy on `sock` for a tunnel to host:port; resolves once it stands. */
export async function socksConnect(
  sock: Duplex,
  proxy: Proxy,
  host: string,
  port: number,
): Promise<void> {
  const label = proxyLabel(proxy);
  const methods = proxy.auth ? [NO_AUTH, USER_PASSWORD] : [NO_AUTH];
  sock.write(Buffer.from([VERSION, methods.length, ...methods]));
  const [, method] = await readAnswer(
    sock,
    (received) => (received.length >= 2 ? 2 : -1),
    `SOCKS5 proxy ${label}`,
  );
  if (method === USER_PASSWORD && proxy.auth) await login(sock, proxy, label);
  else if (method === NO_METHOD || method !== NO_AUTH) {
    const why = proxy.auth
      ? 'accepts no login method we offer'
      : 'wants a login; put user:password@ in the proxy URL';
    throw new ProxyError('EPROXYAUTH', `SOCKS5 proxy ${label} ${why}`);
  }
  sock.write(
    Buffer.concat([
      Buffer.from([VERSION, 1, 0]),
      await address(proxy, host),
      Buffer.from([port >> 8, port & 0xff]),
    ]),
  );
  const reply = await readAnswer(sock, replyLength, `SOCKS5 proxy ${label}`);
  if (reply[1] !== 0)
    throw new ProxyError(
      'EPROXY',
      `SOCKS5 proxy ${label} refused the connection to ${host}:${port} (${replyName(reply[1]!)})`,
    );
}

function replyName(code: number): string {
  return REPLIES[code] ?? `reply ${code}`;
}

async function login(sock: Duplex, proxy: Proxy, label: string): Promise<void> {
  const user = Buffer.from(proxy.auth!.user, 'utf8');
  const password = Buffer.from(proxy.auth!.password, 'utf8');
  if (user.length > 255 || password.length > 255)
    throw new ProxyError('EPROXYAUTH', `SOCKS5 proxy ${label}: user or password over 255 bytes`);
  sock.write(
    Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([password.length]), password]),
  );
  const [, status] = await readAnswer(
    sock,
    (received) => (received.length >= 2 ? 2 : -1),
    `SOCKS5 proxy ${label}`,
  );
  if (status !== 0)
    throw new ProxyError('EPROXYAUTH', `SOCKS5 proxy ${label} refused the user and password`);
}

/** The destination as SOCKS5 writes it: a domain name for socks5h, an address otherwise. */
async function address(proxy: Proxy, host: string): Promise<Buffer> {
  const bare = host.replace(/^\[|\]$/g, '');
  let ip = isIP(bare) ? bare : '';
  if (!ip && proxy.scheme === 'socks5h') {
    const name = Buffer.from(bare, 'utf8');
    if (name.length > 255)
      throw new ProxyError('EPROXY', `host name over 255 bytes for SOCKS5: ${bare.slice(0, 60)}`);
    return Buffer.concat([Buffer.from([3, name.length]), name]);
  }
  if (!ip) ip = (await lookup(bare)).address;
  if (isIP(ip) === 4) return Buffer.from([1, ...ip.split('.').map(Number)]);
  return Buffer.concat([Buffer.from([4]), ipv6Bytes(ip)]);
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const groups = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  all.forEach((group, i) => out.writeUInt16BE(parseInt(group, 16), i * 2));
  return out;
}

/** The reply's whole length (VER REP RSV ATYP BND.ADDR BND.PORT), or -1 while incomplete. */
function replyLength(reply: Buffer): number {
  if (reply.length < 5) return -1;
  const atyp = reply[3];
  const addr = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + reply[4]! : -1;
  if (addr < 0) return reply.length; // an address type we cannot read: take what came, the code decides
  return reply.length >= 4 + addr + 2 ? 4 + addr + 2 : -1;
}

// Real proxies on 127.0.0.1 for the upload tests: an http or https CONNECT proxy (optionally
// demanding a user and password) and a SOCKS5 proxy (RFC 1928/1929, written here from the
// RFCs so that the uploader's client is checked against an independent server). Both dial
// every destination at 127.0.0.1, so a collector named `collector.test` is reachable only
// through them, and both record what they were asked.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, type Socket, connect, createServer as createNetServer } from 'node:net';

export interface TestProxy {
  url: string;
  /** Destinations asked for: `host:port` (CONNECT) or `domain:port` / `ip:port` (SOCKS5). */
  asked: string[];
  /** Proxy-Authorization headers (CONNECT) or `user:password` logins (SOCKS5) received. */
  credentials: string[];
  close(): Promise<void>;
}

function pipeTo(
  port: number,
  client: Socket,
  head: Buffer,
  ready: () => void,
  open: Socket[],
): void {
  const up = connect(port, '127.0.0.1', () => {
    ready();
    if (head.length > 0) up.write(head);
    up.pipe(client);
    client.pipe(up);
  });
  open.push(up, client);
  up.on('error', () => client.destroy());
  client.on('error', () => up.destroy());
}

/** An http (or, with `tls`, https) proxy that answers CONNECT; with `login`, others get 407. */
export async function connectProxy(
  opts: { tls?: { key: Buffer; cert: Buffer }; login?: string } = {},
): Promise<TestProxy> {
  const asked: string[] = [];
  const credentials: string[] = [];
  const open: Socket[] = [];
  const refuse = (_req: IncomingMessage, res: import('node:http').ServerResponse): void =>
    void res.writeHead(405).end();
  const server: Server = opts.tls
    ? (createHttpsServer(opts.tls, refuse) as unknown as Server)
    : createHttpServer(refuse);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    asked.push(req.url ?? '');
    const auth = req.headers['proxy-authorization'];
    if (auth !== undefined) credentials.push(auth);
    if (
      opts.login !== undefined &&
      auth !== `Basic ${Buffer.from(opts.login).toString('base64')}`
    ) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="t"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const port = Number((req.url ?? '').split(':').pop());
    pipeTo(
      port,
      client,
      head,
      () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'),
      open,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    asked,
    credentials,
    close: async () => {
      for (const s of open) s.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A SOCKS5 proxy; with `login` ("user:password") it demands RFC 1929's user/password method;
 * with `reply`, it answers every CONNECT with that RFC 1928 reply code instead of connecting.
 */
export async function socksProxy(
  opts: { login?: string; reply?: number } = {},
): Promise<TestProxy> {
  const asked: string[] = [];
  const credentials: string[] = [];
  const open: Socket[] = [];
  const server = createNetServer((client) => {
    open.push(client);
    client.on('error', () => undefined);
    void converse(client, opts, asked, credentials, open);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `socks5h://127.0.0.1:${port}`,
    asked,
    credentials,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Reads exactly `n` bytes (a tiny buffered reader over the client socket). */
function reader(client: Socket): (count: number) => Promise<Buffer> {
  let buf = Buffer.alloc(0);
  let waiting: (() => void) | null = null;
  client.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    waiting?.();
  });
  return async (count) => {
    while (buf.length < count) await new Promise<void>((resolve) => (waiting = resolve));
    const out = buf.subarray(0, count);
    buf = buf.subarray(count);
    return out;
  };
}

async function converse(
  client: Socket,
  { login, reply }: { login?: string; reply?: number },
  asked: string[],
  credentials: string[],
  open: Socket[],
): Promise<void> {
  const read = reader(client);
  const [version, count] = await read(2);
  const methods = [...(await read(count!))];
  if (version !== 5) return void client.destroy();
  const method = login === undefined ? 0 : 2;
  if (!methods.includes(method)) return void client.end(Buffer.from([5, 0xff]));
  client.write(Buffer.from([5, method]));
  if (method === 2) {
    const [, ulen] = await read(2);
    const user = (await read(ulen!)).toString();
    const [plen] = await read(1);
    const password = (await read(plen!)).toString();
    credentials.push(`${user}:${password}`);
    if (`${user}:${password}` !== login) return void client.end(Buffer.from([1, 1]));
    client.write(Buffer.from([1, 0]));
  }
  const [, cmd, , atyp] = await read(4);
  let host = '';
  if (atyp === 1) host = [...(await read(4))].join('.');
  else if (atyp === 3) host = (await read((await read(1))[0]!)).toString();
  else return void client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
  const port = (await read(2)).readUInt16BE(0);
  asked.push(`${host}:${port}`);
  if (cmd !== 1) return void client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
  if (reply !== undefined) return void client.end(Buffer.from([5, reply, 0, 1, 0, 0, 0, 0, 0, 0]));
  client.removeAllListeners('data');
  pipeTo(
    port,
    client,
    Buffer.alloc(0),
    () => client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0])),
    open,
  );
}

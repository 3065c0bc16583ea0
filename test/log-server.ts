// A static host for a config log directory on 127.0.0.1, as a collector serves it: GET
// `/config-log/<path>` answers the file, anything else 404. Shared by the tests that fetch a
// log over real HTTP (the client, the vendor commands).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export interface LogServer {
  base: string;
  server: Server;
}

/**
 * Serves `dir()` for the enclosing suite (started in beforeAll, closed in afterAll); `base` is
 * set once it listens. `onRequest` sees every request first (tests that count them).
 */
export function serveLogDir(dir: () => string, onRequest: () => void = () => {}): LogServer {
  const s = { base: '' } as LogServer;
  beforeAll(async () => {
    s.server = createServer((req, res) => {
      onRequest();
      const path = (req.url ?? '').replace(/^\/config-log\//, '');
      const file = join(dir(), path);
      if (!path || path.includes('..') || !existsSync(file) || !statSync(file).isFile())
        return void res.writeHead(404).end();
      res.writeHead(200).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.base = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    s.server.closeAllConnections();
    await new Promise((resolve) => s.server.close(resolve));
  });
  return s;
}

// The config log as static files at /config-log/ (c2sp.org/tlog-tiles paths), where clients
// look (config/client.ts). A tile or bundle never changes once written (a partial tile's width
// is in its path), so it may be cached for a year; the checkpoint changes with each publish,
// so caches must revalidate it (ETag). Only the spec's path grammar is served: nothing else in
// the directory (a key file left there by mistake, a temporary file) can be fetched.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemAnswer } from './upload.js';

const TILE =
  /^tile\/(?:[0-9]|entries)\/(?:x\d{3}\/)*\d{3}(?:\.p\/(?:[1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-5]))?$/;
/** Bundle of 256 largest entries; the checkpoint note and hash tiles are far smaller. */
const MAX_FILE = 256 * 65_537;

async function readRegular(file: string): Promise<Buffer | null> {
  let h;
  try {
    h = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = await h.stat();
    if (!st.isFile() || st.size > MAX_FILE) return null;
    return await h.readFile();
  } finally {
    await h.close();
  }
}

export async function serveLogFile(
  dir: string,
  path: string,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const isCheckpoint = path === 'checkpoint';
  const data = isCheckpoint || TILE.test(path) ? await readRegular(join(dir, path)) : null;
  if (!data) {
    const { body, type } = problemAnswer({
      status: 404,
      code: 'not-found',
      detail: 'no such file of the config log',
    });
    return reply.code(404).type(type).header('cache-control', 'no-store').send(body);
  }
  if (isCheckpoint) {
    const etag = `"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"`;
    reply
      .header('etag', etag)
      .header('cache-control', 'no-cache')
      .type('text/plain; charset=utf-8');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.send(data);
  }
  return reply
    .header('cache-control', 'public, max-age=31536000, immutable')
    .type('application/octet-stream')
    .send(data);
}

// Pages as files: each public page is rendered once (when a merge publishes, or at start and
// when the config log changes) and served from memory with an ETag, so a request costs a
// lookup and a write, never a read of every week. `If-None-Match` with the current tag gets
// 304. The data pages are also written into the store under `pages/` (beside the data they
// are made of), where the merge worker puts them and every replica reads them back.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CACHE_SHORT, securityHeaders, sendProblem } from './html.js';

export interface PageFile {
  body: Buffer;
  type: string;
  /** 200 for a page; 503 for "the config log does not verify". */
  status: number;
  cache: string;
  etag: string;
}

export const HTML = 'text/html; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';

export function pageFile(
  body: string | Buffer,
  type = HTML,
  status = 200,
  cache = CACHE_SHORT,
): PageFile {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
  return { body: bytes, type, status, cache, etag };
}

/** Whether the request's If-None-Match names `etag` (a list, weak tags, or `*`). */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((listed) => {
    const tag = listed.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export function sendFile(
  req: FastifyRequest,
  reply: FastifyReply,
  file: PageFile | undefined,
): FastifyReply {
  if (!file)
    return sendProblem(reply, 503, 'not-rendered', 'not rendered yet; the next merge renders it');
  securityHeaders(reply).header('ETag', file.etag).header('Cache-Control', file.cache);
  const fresh = file.status === 200 && matches(req.headers['if-none-match'], file.etag);
  if (fresh) return reply.code(304).send();
  return reply.code(file.status).type(file.type).send(file.body);
}

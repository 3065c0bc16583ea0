// The two doors of POST /upload/<week> (server/serve/upload.ts): a plain path is answered on
// node:http ahead of fastify's router, anything else (an encoded week, a query string) goes
// through fastify's route. Both must give the same answers, headers and log lines; a chunked
// body past the limit is refused without reading it all, and its connection closed.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { type Served, day, makeLog, post, report, serve, untilLogged } from './serve-helpers.js';

const week = day(-1);
const encoded = week.replace(/-/g, '%2D'); // fastify decodes it; the raw door leaves it to fastify
let s: Served;

beforeAll(async () => {
  s = await serve(['--log', makeLog(), '--data', tempDir()]);
});
afterAll(async () => {
  await s.stop();
});

describe("intake: the raw door and fastify's route answer alike", () => {
  it('stores, repeats and refuses the same way through both, with the same headers', async () => {
    const a = report(week, '0.111');
    const b = report(week, '0.222');
    const raw = await post(s.url, `/upload/${week}`, a);
    const routed = await post(s.url, `/upload/${encoded}`, b);
    expect([raw.status, raw.json, routed.status, routed.json]).toEqual([
      200,
      { status: 'stored' },
      200,
      { status: 'stored' },
    ]);
    expect(raw.headers.get('content-type')).toBe(routed.headers.get('content-type'));
    expect((await post(s.url, `/upload/${encoded}`, a)).json).toEqual({ status: 'duplicate' });
    expect((await post(s.url, `/upload/${week}?from=test`, b)).json).toEqual({
      status: 'duplicate',
    });
    const bad = report(week, '0.333').replace(',"Config":"v0"', '');
    const r1 = await post(s.url, `/upload/${week}`, bad);
    const r2 = await post(s.url, `/upload/${encoded}`, bad);
    expect(r1.status).toBe(400);
    expect(r1.body).toBe(r2.body);
    expect(r1.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(r2.headers.get('content-type')).toBe(r1.headers.get('content-type'));
    expect(r1.json).toMatchObject({ code: 'missing-field', field: '/Config' });
  });

  it('refuses a chunked body past 100 KiB as too-large and closes the connection', async () => {
    const answer = await new Promise<{
      status: number;
      connection: string | undefined;
      body: string;
    }>((resolve, reject) => {
      // Chunked: no Content-Length tells the server the size up front; it counts as it reads.
      const req = request(
        `${s.url}/upload/${week}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode!, connection: res.headers.connection, body }),
          );
        },
      );
      req.on('error', reject);
      req.end(Buffer.alloc(150 * 1024, 0x20));
    });
    expect(answer.status).toBe(400);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'too-large', status: 400 });
  });

  it('logs one line per upload through either door, with the route pattern', async () => {
    // Log lines are written once per event-loop turn: the last may trail its answer a little.
    const posts = (log: string): number => (log.match(/"method":"POST"/g) ?? []).length;
    await untilLogged(s, (log) => posts(log) >= 7, 'seven POST lines');
    const lines = s
      .stderr()
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.method === 'POST');
    expect(lines.length).toBeGreaterThanOrEqual(7);
    expect(
      lines.every(
        (line) =>
          line.route === '/upload/:week' &&
          typeof line.ms === 'number' &&
          typeof line.reason === 'string',
      ),
    ).toBe(true);
    expect(lines.filter((line) => line.reason === 'stored')).toHaveLength(2);
    expect(lines.filter((line) => line.reason === 'too-large')).toHaveLength(1);
  });
});

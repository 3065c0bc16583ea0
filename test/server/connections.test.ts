// Bounded connections (server/serve/connections.ts), on the built server as a real process:
// idle connections past the descriptor limit do not shut out a legitimate upload;
// `Expect: 100-continue` over the size limit is refused before the body is invited; and what
// node:http's parser refuses is answered with a problem document.
import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { type Served, day, makeLog, report, serve, untilLogged, upload } from './serve-helpers.js';

const week = day(-2);

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `request` on a new connection; resolves with all it reads until the server closes it. */
async function exchange(
  url: string,
  request: string,
  body?: (soFar: string) => string | null,
): Promise<string> {
  const socket = await open(url);
  let got = '';
  let sent = false;
  return new Promise((resolve) => {
    socket.on('data', (chunk) => {
      got += chunk.toString('latin1');
      const more = !sent && body ? body(got) : null;
      if (more !== null) {
        sent = true;
        socket.write(more);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
    socket.write(request);
  });
}

const problemOf = (answer: string) =>
  JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe('connections', () => {
  it('idle connections past `ulimit -n 256` do not keep a legitimate upload from its answer', async () => {
    const s = await serve(
      ['--log', makeLog(), '--data', tempDir('tt-conn-')],
      {},
      { ulimitFiles: 256 },
    );
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 400; i++) idle.push(await open(s.url).catch(() => connectFailed()));
      const r = await upload(s.url, week, report(week, '0.25'));
      expect(r.status, r.body).toBe(200);
      // Logged at the first eviction, then summed: not one line per connection of a flood.
      await logged(s, /"event":"connections-evicted","idle":1,"full":0/);
      expect(s.stderr().match(/connections-evicted/g)).toHaveLength(1);
    } finally {
      for (const socket of idle) socket.destroy();
    }
    expect(await s.stop()).toBe(0);
  }, 60_000);

  it('with every connection busy, one more is answered 503 with a problem document', async () => {
    const s = await serve([
      '--log',
      makeLog(),
      '--data',
      tempDir('tt-conn-full-'),
      '--max-connections',
      '2',
    ]);
    const busy: Socket[] = [];
    try {
      // Two uploads in progress: invited (so the server has read their headers), body unsent.
      for (let i = 0; i < 2; i++) {
        const socket = await open(s.url);
        const invited = new Promise((resolve) => socket.once('data', resolve));
        socket.write(
          `POST /upload/${week} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\nExpect: 100-continue\r\n\r\n`,
        );
        expect(String(await invited)).toMatch(/^HTTP\/1.1 100 Continue/);
        busy.push(socket);
      }
      const answer = await exchange(
        s.url,
        `GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n/);
      expect(answer).toMatch(/\r\nRetry-After: 5\r\n/);
      expect(problemOf(answer)).toMatchObject({ status: 503, code: 'too-many-connections' });
      await logged(s, /"event":"connections-evicted","idle":0,"full":1/);
    } finally {
      for (const socket of busy) socket.destroy();
    }
    expect(await s.stop()).toBe(0);
  });

  describe('one server', () => {
    let s: Served;
    beforeAll(async () => {
      s = await serve(['--log', makeLog(), '--data', tempDir('tt-conn2-')]);
    });
    afterAll(async () => {
      await s.stop();
    });

    it('Expect: 100-continue with a Content-Length over the limit gets 413 at once, no invitation', async () => {
      const head = `POST /upload/${week} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n`;
      const answer = await exchange(s.url, head);
      expect(answer).not.toMatch(/100 Continue/);
      expect(answer).toMatch(/^HTTP\/1.1 413 Payload Too Large\r\n/);
      expect(answer).toMatch(/\r\nContent-Type: application\/problem\+json/i);
      expect(problemOf(answer)).toMatchObject({
        status: 413,
        code: 'too-large',
        field: 'Content-Length',
      });
    });

    it('Expect: 100-continue within the limit is invited, then answered', async () => {
      const body = report(week, '0.125');
      const head = `POST /upload/${week} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
      const answer = await exchange(s.url, head, (soFar) =>
        /^HTTP\/1.1 100 Continue\r\n\r\n/.test(soFar) ? body : null,
      );
      expect(answer).toMatch(/^HTTP\/1.1 100 Continue\r\n\r\nHTTP\/1.1 200 OK\r\n/);
    });

    it('another expectation gets 417 with a problem document', async () => {
      const answer = await exchange(
        s.url,
        `POST /upload/${week} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: something\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1.1 417 /);
      expect(problemOf(answer)).toMatchObject({
        status: 417,
        code: 'expectation-failed',
        field: 'Expect',
      });
    });

    it('what the HTTP parser refuses is answered with a problem document', async () => {
      const bad = await exchange(s.url, 'GARBAGE\r\n\r\n');
      expect(bad).toMatch(/^HTTP\/1.1 400 Bad Request\r\nContent-Type: application\/problem\+json/);
      expect(problemOf(bad)).toMatchObject({ status: 400, code: 'bad-http' });
      const huge = await exchange(
        s.url,
        `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(huge).toMatch(/^HTTP\/1.1 431 /);
      expect(problemOf(huge)).toMatchObject({ status: 431, code: 'headers-too-large' });
      const url = await exchange(
        s.url,
        `POST /upload/%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      );
      expect(url).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
      expect(problemOf(url)).toMatchObject({ status: 400, code: 'bad-url', field: 'path' });
    });
  });
});

/** Resolves once the server's log has a line matching `line` (its lines arrive after the answer). */
async function logged(served: Served, line: RegExp): Promise<void> {
  await untilLogged(served, line);
  expect(served.stderr()).toMatch(line);
}

function connectFailed(): never {
  throw new Error('the test could not open a connection');
}

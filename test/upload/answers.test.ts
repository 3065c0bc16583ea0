// What the uploader reads of a collector's answer: the status line decides; a success's body is
// not read, a refusal's only its first bytes, and the connection is closed. A collector that
// streams a body forever (or 10 GB) must not be read, nor keep the report from being settled.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUpload } from '../../upload/index.js';
import { cleanEnv } from '../helpers.js';
import { configFor, startCollector, type TestCollector } from './collector.js';
import { oneWeekOn } from './fixture.js';

let c: TestCollector;
beforeAll(async () => {
  c = await startCollector('ans');
  c.publish(configFor(['tool']));
});
afterAll(() => c.close());

const setup = (): string => oneWeekOn('tt-answers-', { url: c.url, key: c.key });

/** Streams `head` and then 64 KB chunks until the client goes away; resolves with the bytes written then. */
function endless(
  status: number,
  head: string,
): { respond: (week: string, res: ServerResponse) => void; closed: Promise<number> } {
  let written = 0;
  let closed!: (count: number) => void;
  const done = new Promise<number>((resolve) => (closed = resolve));
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return {
    closed: done,
    respond: (_week, res) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.write(head);
      const more = (): void => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', more);
      res.on('close', () => closed(written));
      more();
    },
  };
}

describe('answers from a collector', () => {
  it('a 200 whose body never ends counts as sent, and the connection is closed', async () => {
    const answer = endless(200, 'ok');
    c.respond = answer.respond;
    try {
      const s = await runUpload({
        dir: setup(),
        now: new Date('2026-11-20T10:00:00Z'),
        env: cleanEnv(),
      });
      expect(s.retry).toEqual([]);
      expect(s.sent).toMatchObject([{ week: '2026-11-17', status: 200 }]);
      expect(await answer.closed).toBeLessThan(64 * 1024 * 1024); // far less than it would have streamed in 10 s
    } finally {
      c.respond = null;
    }
  });

  it('a refusal whose body never ends is refused with its first words, made printable', async () => {
    const hostile = 'bad \u009b31mreport\u202e gnorw\u2066 x\u2069\u0085\ttoo\u200f long '.repeat(
      20,
    );
    const answer = endless(400, hostile);
    c.respond = answer.respond;
    try {
      const s = await runUpload({
        dir: setup(),
        now: new Date('2026-11-20T10:00:00Z'),
        env: cleanEnv(),
      });
      expect(s.dropped).toHaveLength(1);
      const reason = s.dropped[0]!.reason;
      expect(reason).toMatch(
        /^the collector refused it: http status 400: bad 31mreport gnorw x too long bad/,
      );
      expect(reason).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069\u200f\t]/);
      expect(reason.length).toBeLessThan(300);
      await answer.closed;
    } finally {
      c.respond = null;
    }
  });
});

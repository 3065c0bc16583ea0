// A small load generator for the server's tests: many uploads at once over keep-alive
// connections, each answer recorded (status, what the server said).
import { Agent, request } from 'node:http';

export interface Result {
  body: string;
  status: number;
  answer: string;
  retryAfter?: string;
}

export function postOnce(
  agent: Agent,
  url: string,
  path: string,
  body: string,
): Promise<{ status: number; answer: string; retryAfter?: string }> {
  return new Promise((resolve) => {
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (answer += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, answer, retryAfter: res.headers['retry-after'] }),
        );
        res.on('error', () => resolve({ status: 0, answer: 'reset' }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, answer: error.message }));
    req.end(body);
  });
}

/** Sends every body (week from its Week field) with `concurrency` requests in flight, spread over `urls`. */
export async function load(
  urls: string[],
  bodies: string[],
  concurrency: number,
): Promise<Result[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const out: Result[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < bodies.length) {
        const i = next++;
        const body = bodies[i]!;
        const week = /"Week":"([^"]+)"/.exec(body)![1];
        const r = await postOnce(agent, urls[(i + worker) % urls.length]!, `/upload/${week}`, body);
        out.push({ body, ...r });
      }
    }),
  );
  agent.destroy();
  return out;
}

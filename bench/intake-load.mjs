// The intake bench's Node load generator (bench/server-intake.mjs): used where wrk cannot be had,
// and for the open loop at a fixed rate (wrk 4.1 has none). It shares the CPU with the server,
// so its closed-loop figures are lower than wrk's.
import { Agent, request } from 'node:http';

function post(agent, url, path, text) {
  return new Promise((done) => {
    const t0 = process.hrtime.bigint();
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    };
    const req = request(`${url}${path}`, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        done({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
      );
    });
    req.on('error', () => done({ status: 0, ms: 0 }));
    req.end(text);
  });
}

const percentile = (sorted, fraction) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];

/** Closed loop: `bodies` sent from `concurrency` keep-alive connections. */
export async function drive(url, path, bodies, concurrency) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let ok = 0;
  let next = 0;
  const t0 = performance.now();
  const client = async () => {
    while (next < bodies.length) {
      const answer = await post(agent, url, path, bodies[next++]);
      if (answer.status === 200) ok++;
      latencies.push(answer.ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 0.5);
  const p99 = percentile(latencies, 0.99);
  return { accepted: ok, sent: bodies.length, perSecond: ok / seconds, p50, p99 };
}

/** Open loop: `rate` reports a second, whatever the answers take: latency below saturation. */
export async function paced(url, path, bodies, rate) {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const sent = [];
  const t0 = performance.now();
  for (let i = 0; i < bodies.length; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((wake) => setTimeout(wake, wait));
    sent.push(post(agent, url, path, bodies[i]));
  }
  const answers = await Promise.all(sent);
  agent.destroy();
  const latencies = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  const accepted = answers.filter((answer) => answer.status === 200).length;
  return { rate, accepted, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

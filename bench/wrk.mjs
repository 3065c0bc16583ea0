// The intake bench's load generator: wrk (C, one thread, epoll), so the benchmark measures the
// server and not a Node client sharing its two cores. A Lua script POSTs distinct valid reports:
// every request's X differs (tag, connection's thread, counter), so none is a duplicate.
// `ensureWrk()` installs Debian's package when missing and running as root (as
// scripts/ensure-chromium.mjs does for Chromium); otherwise it returns null and says why, and
// the bench falls back to its Node generator.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WRK = process.env.WRK_PATH || '/usr/bin/wrk';

/** The path of wrk, installing it with apt-get when missing and allowed; null (with a note on stderr) if not. */
export function ensureWrk() {
  if (existsSync(WRK)) return WRK;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const note = (why) => (
    process.stderr.write(
      `bench: ${why}; using the Node load generator (it shares the CPU with the server)\n`,
    ),
    null
  );
  if (process.env.WRK_PATH) return note(`WRK_PATH=${WRK} does not exist`);
  if (!existsSync('/usr/bin/apt-get')) return note(`${WRK} is missing and this is not Debian`);
  if (!isRoot) return note(`${WRK} is missing; run as root, or: sudo apt-get install wrk`);
  process.stderr.write('bench: wrk is missing, installing the Debian package\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'wrk']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) return note(`apt-get ${args[0]} failed`);
  }
  return existsSync(WRK) ? WRK : note(`apt-get installed wrk but ${WRK} is missing`);
}

const lua = (prefix, suffix, tag, delayMs) => `
local prefix, suffix = [==[${prefix}]==], [==[${suffix}]==]
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, prefix .. "0.${tag}" .. id .. string.format("%08d", n) .. "1" .. suffix)
end
${delayMs === undefined ? '' : `function delay() return math.random(0, ${2 * delayMs}) end`}
function done(s, latency)
  local e = s.errors
  io.write(string.format('{"sent":%d,"us":%d,"bad":%d,"p50":%f,"p99":%f,"mean":%f}\\n', s.requests, s.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
`;

/**
 * Closed loop for `seconds` from `connections` keep-alive connections on one wrk thread; with
 * `delayMs`, each connection waits a random 0 to 2 × delayMs ms before each request (clients
 * with think time). `template(x)` is a report body whose X is the text `x`: reports differ there.
 */
export function runWrk(wrk, { url, path, seconds, connections, tag, template, dir, delayMs }) {
  const mark = '0.123456789';
  const [prefix, suffix] = template(mark).split(mark);
  const script = join(dir, `intake-${tag}.lua`);
  writeFileSync(script, lua(prefix, suffix, tag, delayMs));
  return new Promise((resolve, reject) => {
    const child = spawn(
      wrk,
      [
        '-t1',
        `-c${connections}`,
        `-d${seconds}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        `${url}${path}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((candidate) => candidate.startsWith('{"sent"'));
      if (code !== 0 || !line) return reject(new Error(`wrk exited with ${code}: ${out}`));
      const summary = JSON.parse(line);
      const accepted = summary.sent - summary.bad;
      resolve({
        accepted,
        sent: summary.sent,
        perSecond: accepted / (summary.us / 1e6),
        p50: summary.p50,
        p99: summary.p99,
        mean: summary.mean,
      });
    });
  });
}

/**
 * About `rate` reports a second from `connections` clients with think time, for `seconds`:
 * latency below saturation, with wrk (4.1 has no fixed rate). Short probes set the think time
 * so that connections / (think + latency) ≈ rate (latency grows with a busy machine).
 */
export async function runWrkAtRate(wrk, options) {
  const { connections, rate } = options;
  let delayMs = Math.round((connections * 1000) / rate);
  for (let i = 0; i < 3; i++) {
    const probe = await runWrk(wrk, { ...options, seconds: 2, delayMs, tag: options.tag + 1 + i });
    if (probe.perSecond >= rate && probe.perSecond < rate * 1.05) break;
    // rate = connections / (think + latency): keep the latency, change the think time (whole ms: wrk's timer).
    delayMs = Math.max(
      0,
      Math.floor(delayMs + (connections / rate - connections / probe.perSecond) * 1000),
    );
  }
  const run = await runWrk(wrk, { ...options, delayMs });
  return {
    target: rate,
    connections,
    thinkMs: delayMs,
    perSecond: run.perSecond,
    accepted: run.accepted,
    sent: run.sent,
    p50: run.p50,
    p99: run.p99,
  };
}

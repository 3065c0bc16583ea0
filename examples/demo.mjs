// `npm start`: the whole loop on this machine, with no outside service. A vendor creates a key,
// publishes a signed collection config and starts a collector on 127.0.0.1; a user turns sharing
// on for demo-tool and uses it over three weeks (simulated: the tool runs with its clock moved
// back); the week's reports are previewed, uploaded, merged and published; the charts URL and
// a summary of what was sent and published are printed. Everything lives in one temporary folder.
// On a terminal the collector keeps serving until Ctrl-C; otherwise the demo stops it and exits.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const here = import.meta.dirname;
const root = mkdtempSync(join(tmpdir(), 'transparent-telemetry-demo-'));
const paths = {
  tel: join(root, 'user-telemetry'),
  key: join(root, 'vendor.key'),
  log: join(root, 'config-log'),
  data: join(root, 'collector-data'),
};
const server = join(here, '..', 'server', 'dist', 'telemetry-server.js');
const telemetry = join(here, '..', 'dist', 'cmd', 'telemetry.js');
const tool = join(here, 'demo-tool', 'cli.mjs');
const clock = join(here, 'demo-clock.cjs');
const DAY = 86_400_000;

const baseEnv = { ...process.env, TRANSPARENT_TELEMETRY_DIR: paths.tel, NO_COLOR: '1' };
for (const k of [
  'DO_NOT_TRACK',
  'TRANSPARENT_TELEMETRY',
  'DEMO_TOOL_TELEMETRY_DISABLED',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'https_proxy',
  'http_proxy',
])
  delete baseEnv[k];

function step(title) {
  console.log(`\n== ${title}`);
}

/** Runs a command to completion, echoing it; exits the demo if it fails (demo-tool may: a name too long is its error). */
function run(
  label,
  file,
  args,
  { env = baseEnv, daysAgo = 0, quiet = false, mayFail = false } = {},
) {
  console.log(`$ ${label}`);
  const pre = daysAgo > 0 ? ['--require', clock] : [];
  const r = spawnSync(process.execPath, [...pre, file, ...args], {
    env: { ...env, DEMO_DAYS_AGO: String(daysAgo) },
    encoding: 'utf8',
  });
  const out = (quiet ? r.stderr : r.stdout + r.stderr).trimEnd();
  if (out) console.log(out.replace(/^/gm, '  '));
  if (r.status !== 0 && !mayFail) {
    console.error(`demo: "${label}" failed (exit ${r.status})`);
    process.exit(1);
  }
  return r.stdout;
}

/** Starts the collector (on `port`, 0: any free one); resolves with its URL from the first line it prints. */
function serve(port = 0) {
  const child = spawn(
    process.execPath,
    [
      server,
      'serve',
      '--log',
      paths.log,
      '--data',
      paths.data,
      '--port',
      String(port),
      '--publish',
      'raw',
    ],
    {
      env: baseEnv,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the collector exited (${code}) before listening`)),
    );
    createInterface({ input: child.stdout }).once('line', (line) => {
      const url = /^listening on (\S+)$/.exec(line)?.[1];
      if (url) resolve({ child, url });
      else reject(new Error(`unexpected first line from the collector: ${line}`));
    });
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

function day(offset) {
  return new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
}

console.log(`demo folder: ${root}`);
mkdirSync(paths.tel, { recursive: true });

step('the vendor: a signing key, a signed collection config in a public log, a collector');
const vkey = run(
  'telemetry-server keygen demo.example/config --out vendor.key',
  server,
  ['keygen', 'demo.example/config', '--out', paths.key],
  { quiet: true },
).trim();
console.log(`  verifier key (pinned in demo-tool): ${vkey}`);
run('telemetry-server publish collection-config.json --key vendor.key --log config-log', server, [
  'publish',
  join(here, 'collection-config.json'),
  '--key',
  paths.key,
  '--log',
  paths.log,
]);
let collector = await serve();
console.log(
  `$ telemetry-server serve --log config-log --data collector-data --port 0\n  listening on ${collector.url}`,
);

step("the user: shares demo-tool's counts (turned on 4 weeks ago), and uses it over three weeks");
const toolEnv = {
  ...baseEnv,
  DEMO_TOOL_COLLECTOR_URL: collector.url,
  DEMO_TOOL_COLLECTOR_KEY: vkey,
};
run('demo-tool telemetry on', tool, ['telemetry', 'on'], { env: toolEnv, daysAgo: 28 });
const weeks = [
  [22, [[], ['ada'], ['ada', 'grace', '--shout']]],
  [15, [['--twice', 'linus'], ['a-name-far-too-long-to-greet'], []]],
  [8, [['--shout', 'margaret'], ['ada', 'alan'], ['--twice'], ['barbara']]],
];
// Normally the first tool run of a day with a finished week starts the upload in the background
// (docs/upload.md, The background run). The demo holds that day's token, dated to each simulated day, so that the upload
// happens below, in front of you, after the preview.
const token = join(paths.tel, 'upload.token');
closeSync(openSync(token, 'a'));
for (const [daysAgo, runs] of weeks) {
  const then = new Date(Date.now() - daysAgo * DAY);
  utimesSync(token, then, then);
  console.log(`  -- ${day(-daysAgo)} (${daysAgo} days ago)`);
  for (const args of runs)
    run(`demo-tool ${args.join(' ')}`, tool, args, { env: toolEnv, daysAgo, mayFail: true });
}

step('what would leave this machine, byte for byte (nothing is sent yet)');
run('telemetry preview', telemetry, ['preview'], { env: toolEnv });

step('the weekly upload (normally the background run a tool starts, at most once a day)');
const sent = JSON.parse(
  run('telemetry upload --json', telemetry, ['upload', '--json'], { env: toolEnv, quiet: true }),
);
console.log(
  `  sent ${sent.sent.length} report(s) to ${collector.url}: weeks ${sent.sent.map((sentWeek) => sentWeek.week).join(', ')}`,
);

step('the collector merges the days that are over and publishes them');
await stop(collector.child);
run(`telemetry-server merge --data collector-data --publish raw --now ${day(1)}`, server, [
  'merge',
  '--data',
  paths.data,
  '--publish',
  'raw',
  '--now',
  day(1),
]);
collector = await serve(new URL(collector.url).port);

step('published for everyone');
console.log(
  `  ${collector.url}/charts   the charts\n  ${collector.url}/data     downloads (JSON, CSV, NDJSON)\n  ${collector.url}/config   every config version in the log\n  ${collector.url}/privacy  what is collected and published`,
);
const published = await publishedTotals(collector.url);
const sentTotals = totals(sent.sent.map((x) => JSON.parse(readFileSync(x.file, 'utf8'))));
console.log('\n  counter                      sent  published');
for (const name of [...new Set([...sentTotals.keys(), ...published.keys()])].sort()) {
  const [a, b] = [sentTotals.get(name) ?? 0, published.get(name) ?? 0];
  console.log(
    `  ${name.padEnd(26)} ${String(a).padStart(6)} ${String(b).padStart(10)}${a === b ? '' : '   <- differs'}`,
  );
  if (a !== b) process.exitCode = 1;
}

/** Counter totals over every report sent. */
function totals(reports) {
  const out = new Map();
  for (const r of reports)
    for (const p of r.Programs ?? [])
      for (const [k, v] of Object.entries(p.Counters)) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

/** Counter totals over every week the collector published (its JSON downloads). */
async function publishedTotals(base) {
  const index = await (await fetch(`${base}/data/index.json`)).json();
  const out = new Map();
  for (const w of index.weeks) {
    const agg = await (await fetch(`${base}${w.json}`)).json();
    for (const cell of agg.cells)
      for (const c of cell.counters) out.set(c.name, (out.get(c.name) ?? 0) + Number(c.total));
  }
  return out;
}

if (process.stdout.isTTY) {
  console.log('\nThe collector keeps serving; open the charts in a browser. Ctrl-C stops it.');
  process.once('SIGINT', () => stop(collector.child).then(() => process.exit(0)));
} else {
  await stop(collector.child);
}

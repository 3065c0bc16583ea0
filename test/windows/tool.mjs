// A tool run on Windows (copied into the test's project): opens the counter, adds `times` to
// `name`, prints open()'s result. Input (argv[2], JSON): { name?, times?, now?, collector?,
// hold?, clock?, offAtClock? }; collector: open()'s option.
// offAtClock: the first time the toolkit asks its clock (after it has decided the mode, before it
//   opens the week's file), the user turns telemetry off, as `telemetry off --purge` would.
// hold: { ready, stop }: then says it is ready (writes its pid to `ready`), runs until `stop`
//   exists, counting `tool/held` once more at the end.
// clock: its clock starts at that time and runs on; it waits for the next week's file in
//   $TRANSPARENT_TELEMETRY_DIR\local, then counts `tool/after`.
// Either wait gives up after 60 s.
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { Counter, inc, open } from 'transparent-telemetry/counter';

const spec = JSON.parse(process.argv[2] ?? '{}');
const started = Date.now();
const clock = spec.clock ? () => new Date(Date.parse(spec.clock) + Date.now() - started) : null;
let turnedOff = false;
const offAtClock = () => {
  if (!turnedOff) writeFileSync(`${process.env.TRANSPARENT_TELEMETRY_DIR}\\mode`, 'off 2026-11-10');
  turnedOff = true;
  return new Date('2026-11-10T12:00:00Z');
};
const now = spec.offAtClock ? offAtClock : spec.now ? () => new Date(spec.now) : clock;
const result = open({
  ...(now ? { now } : {}),
  ...(spec.collector ? { collector: spec.collector } : {}),
});
const counter = new Counter(spec.name ?? 'tool/runs');
for (let i = 0; i < (spec.times ?? 1); i++) counter.inc();
console.log(JSON.stringify(result));

function until(done, then) {
  const wait = setInterval(() => {
    if (!done() && Date.now() - started < 60_000) return;
    clearInterval(wait);
    then();
  }, 50);
}

if (spec.hold) {
  // Whole or not at all (a file written in place was once read empty: pid 0, a lock "held").
  writeFileSync(`${spec.hold.ready}.tmp`, String(process.pid));
  renameSync(`${spec.hold.ready}.tmp`, spec.hold.ready);
  until(
    () => existsSync(spec.hold.stop),
    () => inc('tool/held'),
  );
}
if (spec.clock) {
  const local = `${process.env.TRANSPARENT_TELEMETRY_DIR}\\local`;
  const files = () => readdirSync(local).filter((name) => name.endsWith('.v1.count'));
  until(
    () => files().length > 1,
    () => inc('tool/after'),
  );
}

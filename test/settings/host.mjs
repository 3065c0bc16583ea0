// A host tool for the settings tests: opens the counter, counts once, offers the notice on a
// stand-in terminal, and prints what open() returned, whether the notice was printed, how long
// open() took and the peak memory of the process.
// argv[2] (JSON): { program?, stack? }. The directory comes from TRANSPARENT_TELEMETRY_DIR.
const { open, notice, Counter, StackCounter } = await import(process.env.TT_DIST_COUNTER);
const spec = JSON.parse(process.argv[2] ?? '{}');

const t0 = performance.now();
const result = open(spec.program ? { program: spec.program, version: '1.0.0' } : {});
const openMs = performance.now() - t0;
new Counter('host/ran').inc();
if (spec.stack) new StackCounter('host/stack', 4).inc();
let said = '';
const tty = { isTTY: true, columns: 80, write: (text) => ((said += text), true) };
const printed = notice({ program: result.program.name, stream: tty });
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ ...result, printed, said, openMs, maxRssMb }) + '\n');

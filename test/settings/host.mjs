// A host tool for the settings tests: opens the counter, counts once, offers the notice on a
// stand-in terminal, and prints what open() returned plus whether the notice was printed.
// argv[2] (JSON): { program?, stack? }. The directory comes from TRANSPARENT_TELEMETRY_DIR.
const { open, notice, Counter, StackCounter } = await import(process.env.TT_DIST_COUNTER);
const spec = JSON.parse(process.argv[2] ?? '{}');

const result = open(spec.program ? { program: spec.program, version: '1.0.0' } : {});
new Counter('host/ran').inc();
if (spec.stack) new StackCounter('host/stack', 4).inc();
let said = '';
const tty = { isTTY: true, columns: 80, write: (s) => ((said += s), true) };
const printed = notice({ program: result.program.name, stream: tty });
process.stdout.write(JSON.stringify({ ...result, printed, said }) + '\n');

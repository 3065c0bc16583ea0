// What a tool pays at start-up: import the counter module, open, increment once. Prints the
// time from process start to this module's first line, and from there to exit (after the
// toolkit's own exit step), in milliseconds.
const t0 = performance.now();
const { open, inc } = await import(process.env.TT_DIST_COUNTER);
open({ program: 'cold', version: '1.0.0' });
inc('cold/invocations');
process.on('exit', () => process.stdout.write(`${t0} ${performance.now() - t0}\n`));

// A tool for bench/upload.mjs: import, open (with the collector argv[2] names, if any), count
// once, exit. Prints the time to this module's first line and from there to exit (after the
// toolkit's exit step and the upload trigger), in milliseconds, like cold.mjs.
const t0 = performance.now();
const { open, inc } = await import(process.env.TT_DIST_COUNTER);
const spec = JSON.parse(process.argv[2]);
open({
  program: spec.program,
  version: '1.0.0',
  ...(spec.collector ? { collector: spec.collector } : {}),
});
inc(`${spec.program}/invocations`);
process.on('exit', () => process.stdout.write(`${t0} ${performance.now() - t0}\n`));

// The baseline: a bare node process running a module that does nothing (same output as cold.mjs).
const t0 = performance.now();
process.on('exit', () => process.stdout.write(`${t0} ${performance.now() - t0}\n`));

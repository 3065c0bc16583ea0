// What a tool pays at start-up: import the counter module, open, increment once.
const { open, inc } = await import(process.env.TT_DIST_COUNTER);
open({ program: 'cold', version: '1.0.0' });
inc('cold/invocations');

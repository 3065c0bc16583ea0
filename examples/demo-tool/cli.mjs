#!/usr/bin/env node
// demo-tool: greets people. It is here to show what a tool author writes to count usage.
// A real tool imports 'transparent-telemetry/counter' and 'transparent-telemetry/command';
// the demo uses the local build.
import { Counter, StackCounter, inc, notice, open } from '../../dist/counter/index.js';
import { telemetryCommand } from '../../dist/cmd/command.js';

// `demo-tool telemetry …` is the toolkit's own command, scoped to this tool: a user who
// installed only demo-tool can still see and change what it counts.
if (process.argv[2] === 'telemetry') {
  process.exitCode = await telemetryCommand(process.argv.slice(3), { program: 'demo-tool' });
} else {
  greetAll(process.argv.slice(2));
}

function greetAll(args) {
  // Program and version come from this folder's package.json (demo-tool 1.4.0); `command` is
  // what the one-time notice (shown once per machine, on a terminal only) tells users to run.
  // `collector` is where the weekly reports of users who turned sharing on go, and the key its
  // signed config must verify with. A real tool writes both as constants; the demo's collector
  // runs on a port chosen at start, so `npm start` passes them in.
  const { DEMO_TOOL_COLLECTOR_URL: url, DEMO_TOOL_COLLECTOR_KEY: key } = process.env;
  open({ command: 'demo-tool telemetry', ...(url && key ? { collector: { url, key } } : {}) });
  notice();
  const flagCounters = { '--shout': new Counter('demo-tool/flag:shout'), '--twice': new Counter('demo-tool/flag:twice') };
  const failures = new StackCounter('demo-tool/error', 4);

  inc('demo-tool/invocations');
  for (const a of args) flagCounters[a]?.inc();
  const names = args.filter((a) => !a.startsWith('--'));
  // A bucket per size, never the names themselves: counters must not carry what users typed.
  inc(`demo-tool/names:${names.length === 0 ? '0' : names.length === 1 ? '1' : '2+'}`);

  const greet = (name) => {
    if (name.length > 12) {
      failures.inc();
      throw new Error(`name too long: ${name}`);
    }
    const text = `hello, ${name}`;
    return args.includes('--shout') ? text.toUpperCase() + '!' : text;
  };
  for (const name of names.length ? names : ['world']) {
    try {
      const line = greet(name);
      console.log(args.includes('--twice') ? `${line}\n${line}` : line);
    } catch (e) {
      console.error(`demo-tool: ${e.message}`);
      process.exitCode = 1;
    }
  }
}

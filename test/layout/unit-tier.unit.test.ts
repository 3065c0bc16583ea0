// The unit tier's rule is checked, not hoped for: in a `*.unit.test.ts` file (vitest.config.ts,
// project "unit"), test/setup/unit-guard.ts makes every way to start a process, listen or
// connect throw an error that names the rule. These probes prove each one is refused.
import { execFile, execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';

const RULE = /not allowed in a unit test \(\*\.unit\.test\.ts\)/;

describe('the unit tier refuses', () => {
  it('every way to start a child process', () => {
    expect(() => spawn('true')).toThrow(RULE);
    expect(() => spawnSync('true')).toThrow(RULE);
    expect(() => execFile('true')).toThrow(RULE);
    expect(() => execFileSync('true')).toThrow(RULE);
    expect(() => fork('index.js')).toThrow(RULE);
  });

  it('a listener, TCP or HTTP', () => {
    const server = createServer();
    expect(() => server.listen(0, '127.0.0.1')).toThrow(RULE);
  });

  it('an outgoing connection', () => {
    expect(() => connect(1, '127.0.0.1')).toThrow(RULE);
  });
});

// The unit tier's rule, enforced rather than hoped for: a unit test (`*.unit.test.ts`) starts no
// child process, opens no listener and connects to nothing. This file runs before each unit
// file (vitest.config.ts, project "unit") and makes every such call throw, naming the rule, so
// a unit file that grows an integration need fails at once instead of slowing the fast tier.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const RULE =
  'is not allowed in a unit test (*.unit.test.ts): name the file *.test.ts, the integration tier (docs/testing.md)';

function forbidden(what: string): () => never {
  return () => {
    throw new Error(`${what} ${RULE}`);
  };
}

const PROCESS_STARTERS = [
  'spawn',
  'spawnSync',
  'exec',
  'execSync',
  'execFile',
  'execFileSync',
  'fork',
] as const;
for (const name of PROCESS_STARTERS) {
  Object.defineProperty(childProcess, name, { value: forbidden(`child_process.${name}`) });
}
net.Server.prototype.listen = forbidden('listening on a socket');
net.Socket.prototype.connect = forbidden('a network connection');
// ESM imports of node:child_process (`import { spawn } ...`) see the replaced functions too.
syncBuiltinESMExports();

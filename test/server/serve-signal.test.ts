// SIGTERM the moment `serve` prints `listening on` (systemd or a script stopping it at once)
// still stops it cleanly, exit 0: the handler is in place before the line is printed.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { makeLog, serve } from './serve-helpers.js';

describe('serve stopped right after it listens', () => {
  it('exits 0 on a SIGTERM sent as soon as the listening line arrives', async () => {
    const log = makeLog();
    for (let i = 0; i < 3; i++) {
      const s = await serve(['--log', log, '--data', tempDir('tt-sig-')]);
      expect(await s.stop(), s.stderr()).toBe(0);
    }
  });
});

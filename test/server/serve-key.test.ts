// `serve --key`: a malformed key is a usage error, and a well-formed key that does not verify
// the log refuses to start, naming why; otherwise the public /config and /privacy pages would
// say only "cannot be shown" while /healthz answers ok. The built bin, as a real process.
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../config/index.js';
import { tempDir } from '../helpers.js';
import { run } from './bin.js';
import { NAME, makeKeyedLog, serve } from './serve-helpers.js';

describe('serve --key', () => {
  const log = makeKeyedLog();

  it('exits 2 on a malformed or empty key', () => {
    for (const key of ['bogus', '']) {
      const r = run(
        'serve',
        '--log',
        log.dir,
        '--data',
        tempDir('tt-key-'),
        '--port',
        '0',
        '--key',
        key,
      );
      expect(r.status, JSON.stringify(key)).toBe(2);
      expect(r.stderr).toMatch(/^error: --key: /);
    }
  });

  it('refuses to start (exit 1) with a well-formed key that did not sign the log', () => {
    const other = generateKey(NAME).verifier;
    const r = run(
      'serve',
      '--log',
      log.dir,
      '--data',
      tempDir('tt-key-'),
      '--port',
      '0',
      '--key',
      other,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--key does not verify the config log ${log.dir}`);
    expect(r.stdout).toBe('');
  });

  it("starts with the log's own key, and /config shows the version in force", async () => {
    const s = await serve(['--log', log.dir, '--data', tempDir('tt-key-'), '--key', log.verifier]);
    try {
      const page = await (await fetch(`${s.url}/config`)).text();
      expect(page).toContain('in force');
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});

// startServer's extension point, where the public pages and the hourly merge join: its routes
// are served beside intake, it sees the same store, and what it returns runs on close.
import { describe, expect, it } from 'vitest';
import { startServer } from '../../server/serve/index.js';
import { silentLogger } from '../../server/serve/log.js';
import { tempDir } from '../helpers.js';
import { day, makeLog, report, upload } from './serve-helpers.js';

describe('serve: extension point', () => {
  it('registers routes on the same app and store before listening, and is stopped first on close', async () => {
    const events: string[] = [];
    const s = await startServer({
      log: makeLog(),
      data: tempDir(),
      port: 0,
      publish: 'aggregates',
      logger: silentLogger,
      extend: async (app, { store, publish }) => {
        app.get('/pages-probe', async () => ({ publish, unmerged: await store.unmergedDays() }));
        events.push('extended');
        return async () => void events.push('stopped');
      },
    });
    const w = day(-1);
    expect((await upload(s.url, w, report(w, '0.5'))).status).toBe(200);
    const probe = await (await fetch(`${s.url}/pages-probe`)).json();
    expect(probe).toEqual({
      publish: 'aggregates',
      unmerged: [new Date().toISOString().slice(0, 10)],
    });
    await s.close();
    expect(events).toEqual(['extended', 'stopped']);
  });
});

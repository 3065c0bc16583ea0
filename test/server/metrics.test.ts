// GET /metrics on the built server: Prometheus text counted from what the server logs anyway,
// uploads by status and reason, with no address or content in any label.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { day, makeLog, report, serve, upload } from './serve-helpers.js';

describe('GET /metrics', () => {
  it('counts uploads by status and reason', async () => {
    const s = await serve(['--log', makeLog(), '--data', tempDir('tt-metrics-')]);
    try {
      const week = day(-3);
      expect((await upload(s.url, week, report(week, '0.25'))).status).toBe(200);
      expect((await upload(s.url, week, report(week, '0.25'))).status).toBe(200);
      expect((await upload(s.url, week, '{"Week":')).status).toBe(400);
      const r = await fetch(`${s.url}/metrics`);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await r.text();
      expect(text).toContain('# TYPE telemetry_uploads_total counter');
      expect(text).toContain('telemetry_uploads_total{status="200",reason="stored"} 1');
      expect(text).toContain('telemetry_uploads_total{status="200",reason="duplicate"} 1');
      expect(text).toContain('telemetry_uploads_total{status="400",reason="malformed"} 1');
      expect(text).toMatch(/^telemetry_last_merge_ok_timestamp_seconds \d/m);
      expect(text).not.toContain('127.0.0.1');
    } finally {
      await s.stop();
    }
  });
});

// /config: every collection config the log ever held, newest first, verified against the
// vendor's key (the same check a client makes), and /privacy's source: the config in force.
import { createHash } from 'node:crypto';
import { type UploadConfig, dirReader, parseConfig, verifyLog } from '../../config/index.js';
import { esc, page } from './html.js';

export interface ConfigVersion { index: number; sha256: string; bytes: number; text: string; config: UploadConfig | null; error: string | null }

/** Every entry of the log, verified; throws with the reason when the log does not verify. */
export function configVersions(logDir: string, logKey: string): ConfigVersion[] {
  const log = verifyLog(dirReader(logDir), logKey);
  return log.entries.map((e, index) => {
    const text = Buffer.from(e).toString('utf8');
    const v: ConfigVersion = { index, sha256: createHash('sha256').update(e).digest('hex'), bytes: e.length, text, config: null, error: null };
    try {
      v.config = parseConfig(e);
    } catch (err) {
      v.error = (err as Error).message;
    }
    return v;
  });
}

export function configPage(versions: ConfigVersion[]): string {
  const items = [...versions].reverse().map((v) => {
    const readable = v.config ? JSON.stringify(JSON.parse(v.text), null, 2) : v.text;
    const what = v.error ? `<p class="error">not a valid config: ${esc(v.error)}</p>` : `<p>Programs: ${v.config!.Programs.map((p) => `<code>${esc(p.Name)}</code>`).join(', ') || 'none'}.</p>`;
    return `<section class="config-version" data-index="${v.index}"><h2>v${v.index}${v.index === versions.length - 1 ? ' (in force)' : ''}</h2>
<p class="hint">${v.bytes} bytes, SHA-256 <code>${v.sha256}</code></p>${what}<pre>${esc(readable)}</pre></section>`;
  });
  const body = `<p class="lead">Every collection config this collector ever published, from its signed, append-only log (served at <a href="/config-log/checkpoint">/config-log/</a>; check it with <code>telemetry-server verify-log</code>). A tool sends only what the config in force allows.</p>\n${items.join('\n') || '<p class="empty">No config published yet.</p>'}`;
  return page({ title: 'Collection config', path: '/config', body });
}

export function unavailablePage(title: string, path: string, reason: string): string {
  return page({ title, path, body: `<p class="error">The collection config cannot be shown: ${esc(reason)}.</p>` });
}

// /config: every collection config the log ever held, newest first, verified against the
// vendor's key (the same check a client makes), and /privacy's source: the config in force.
import { createHash } from 'node:crypto';
import {
  TILE_WIDTH,
  type UploadConfig,
  bundlePath,
  dirReader,
  hashReader,
  leafHash,
  parseCheckpoint,
  parseConfig,
  tilesForSize,
  verifyLog,
} from '../../config/index.js';
import { esc, page } from './html.js';

export interface ConfigVersion {
  index: number;
  sha256: string;
  bytes: number;
  text: string;
  config: UploadConfig | null;
  error: string | null;
}

/**
 * Every entry of the log. With the vendor's verifier key, the whole log is verified as a
 * monitor would (signature included). Without it (the log is this server's own, as `serve`
 * reads it), the signature is not checked, but every entry still is against the checkpoint's
 * root through its tiles. Throws with the reason when the log does not verify.
 */
export function configVersions(logDir: string, logKey?: string): ConfigVersion[] {
  const entries = logKey ? verifyLog(dirReader(logDir), logKey).entries : unsignedEntries(logDir);
  return entries.map((entry, index) => {
    const text = Buffer.from(entry).toString('utf8');
    const v: ConfigVersion = {
      index,
      sha256: createHash('sha256').update(entry).digest('hex'),
      bytes: entry.length,
      text,
      config: null,
      error: null,
    };
    try {
      v.config = parseConfig(entry);
    } catch (err) {
      v.error = (err as Error).message;
    }
    return v;
  });
}

function unsignedEntries(logDir: string): Uint8Array[] {
  const read = dirReader(logDir);
  const note = Buffer.from(read('checkpoint')).toString('utf8');
  const end = note.indexOf('\n\n');
  if (end < 0) throw new Error('checkpoint is not a signed note');
  const cp = parseCheckpoint(note.slice(0, end + 1));
  const hashes = hashReader(cp.size, cp.root, read);
  const out: Uint8Array[] = [];
  for (const t of tilesForSize(cp.size).filter((tile) => tile.level === 0)) {
    const bundle = read(bundlePath(t));
    const tile = hashes.tile(0, t.index); // checked against the root
    let at = 0;
    for (let k = 0; k < t.width; k++) {
      const len = at + 2 <= bundle.length ? (bundle[at]! << 8) | bundle[at + 1]! : -1;
      if (len < 0 || at + 2 + len > bundle.length)
        throw new Error(`bundle ${bundlePath(t)} is truncated`);
      const e = bundle.subarray(at + 2, at + 2 + len);
      if (Buffer.compare(leafHash(e), tile[k]!) !== 0)
        throw new Error(`entry ${t.index * TILE_WIDTH + k} does not match its tile`);
      out.push(e);
      at += 2 + len;
    }
  }
  return out;
}

export function configPage(versions: ConfigVersion[]): string {
  const items = [...versions].reverse().map((version) => {
    const readable = version.config
      ? JSON.stringify(JSON.parse(version.text), null, 2)
      : version.text;
    const what = version.error
      ? `<p class="error">not a valid config: ${esc(version.error)}</p>`
      : `<p>Programs: ${version.config!.Programs.map((program) => `<code>${esc(program.Name)}</code>`).join(', ') || 'none'}.</p>`;
    return `<section class="config-version" data-index="${version.index}"><h2>v${version.index}${version.index === versions.length - 1 ? ' (in force)' : ''}</h2>
<p class="hint">${version.bytes} bytes, SHA-256 <code>${version.sha256}</code></p>${what}<pre>${esc(readable)}</pre></section>`;
  });
  const body = `<p class="lead">Every collection config this collector ever published, from its signed, append-only log (served at <a href="/config-log/checkpoint">/config-log/</a>; check it with <code>telemetry-server verify-log</code>). A tool sends only what the config in force allows.</p>\n${items.join('\n') || '<p class="empty">No config published yet.</p>'}`;
  return page({ title: 'Collection config', path: '/config', body });
}

export function unavailablePage(title: string, path: string, reason: string): string {
  return page({
    title,
    path,
    body: `<p class="error">The collection config cannot be shown: ${esc(reason)}.</p>`,
  });
}

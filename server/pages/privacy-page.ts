// /privacy: what is collected and what is published, generated from the config in force and
// the publication mode, so the page cannot drift from what the server does.
import type { UploadConfig } from '../../config/index.js';
import { CLIP, type PublishMode } from '../merge/index.js';
import { UPLOAD_WINDOW_DAYS } from '../../upload/index.js';
import { esc, page } from './html.js';

export interface PrivacyFacts { publish: PublishMode; k: number; epsilon?: number | undefined; config: UploadConfig | null; version: number | null }

const list = (xs: string[]) => (xs.length ? xs.map((x) => `<code>${esc(x)}</code>`).join(', ') : 'none');

export function privacyPage(f: PrivacyFacts): string {
  const parts: string[] = [];
  parts.push(`<p class="lead">Tools report only if their user turned reporting on. A report holds, per program: its name and version, the runtime, the operating system and architecture, and the counters below with their counts for one week. It holds no ID of the machine, user or installation, no host name, path, IP address or anything a user typed.</p>`);
  parts.push('<h2>What is collected</h2>');
  if (!f.config) parts.push('<p class="error">No collection config is in force: no tool reports anything.</p>');
  else {
    const c = f.config;
    parts.push(`<p>From config v${f.version} (see <a href="/config">every version</a>).${c.SampleRate > 0 ? ` Each machine reports a given week with probability ${c.SampleRate}.` : ''}</p>`);
    parts.push(`<dl class="facts"><dt>Operating systems</dt><dd>${list(c.GOOS)}</dd><dt>Architectures</dt><dd>${list(c.GOARCH)}</dd><dt>Runtimes</dt><dd>${list(c.GoVersion)}</dd></dl>`);
    for (const p of c.Programs) {
      const counters = p.Counters.map((x) => `<tr><td><code>${esc(x.Name)}</code></td><td>${x.Rate}</td></tr>`).join('');
      const stacks = p.Stacks.map((x) => `<tr><td><code>${esc(x.Name)}</code> (stack, ${x.Depth} frames)</td><td>${x.Rate}</td></tr>`).join('');
      parts.push(`<section class="program" data-program="${esc(p.Name)}"><h3>${esc(p.Name)}</h3><p>Versions: ${list(p.Versions)}</p>
<table><thead><tr><th scope="col">counter</th><th scope="col">share of reports that include it</th></tr></thead><tbody>${counters}${stacks}</tbody></table></section>`);
    }
  }
  parts.push('<h2>What is published</h2>');
  if (f.publish === 'raw') {
    parts.push(`<p id="mode" data-mode="raw">Mode <strong>raw</strong>: every report, exactly as received, is published in one file per day (<a href="/data">data</a>), and the weekly aggregates on <a href="/charts">charts</a> are computed from them. Anyone can recompute them. The server holds nothing the public cannot see.</p>`);
  } else {
    parts.push(`<p id="mode" data-mode="aggregates">Mode <strong>aggregates</strong>: reports are never published. Each day's reports are added into weekly sums and then deleted. A week's sums are published once, when the week can receive no more reports (${UPLOAD_WINDOW_DAYS + 1} days after it ends), as: reports per program and version; per counter, the share of reports that counted it and the total; versions, operating systems, architectures and runtimes. Any number counted by fewer than <strong id="k">${f.k}</strong> reports is withheld, and the sums of a week are deleted once published.</p>`);
    parts.push(f.epsilon
      ? `<p id="noise">Every published count gets two-sided geometric noise with <strong id="epsilon">ε = ${esc(f.epsilon)}</strong> per count (totals: each report's count capped at ${CLIP} first). The <a href="/data/ledger.json">privacy ledger</a> lists each release and the most one report can have lost in it.</p>`
      : '<p id="noise">No noise is added (ε is not set); k-anonymity alone protects the published sums.</p>');
  }
  return page({ title: 'Privacy', path: '/privacy', body: parts.join('\n') });
}

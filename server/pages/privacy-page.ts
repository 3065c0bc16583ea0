// /privacy: what is collected and what is published, generated from the config in force and
// the publication mode, so the page cannot drift from what the server does.
import type { UploadConfig } from '../../config/index.js';
import {
  CLIP,
  DEFAULT_BUDGET,
  type PublishMode,
  labelThreshold,
  perCount,
} from '../merge/index.js';
import { UPLOAD_WINDOW_DAYS } from '../../report/index.js';
import { esc, page } from './html.js';

export interface PrivacyFacts {
  publish: PublishMode;
  k: number;
  /** Aggregates mode: the budget per report and weekly release; unset: no noise (k alone). */
  epsilon?: number | undefined;
  delta?: number | undefined;
  valuesPerReport?: number | undefined;
  config: UploadConfig | null;
  version: number | null;
}

const list = (items: string[]) =>
  items.length ? items.map((x) => `<code>${esc(x)}</code>`).join(', ') : 'none';

export function privacyPage(facts: PrivacyFacts): string {
  const parts: string[] = [];
  parts.push(
    `<p class="lead">Tools report only if their user turned reporting on. A report holds, per program: its name and version, the runtime, the operating system and architecture, and the counters below with their counts for one week. It holds no ID of the machine, user or installation, no host name, path, IP address or anything a user typed.</p>`,
  );
  parts.push('<h2>What is collected</h2>');
  if (!facts.config)
    parts.push('<p class="error">No collection config is in force: no tool reports anything.</p>');
  else {
    const c = facts.config;
    parts.push(
      `<p>From config v${facts.version} (see <a href="/config">every version</a>).${c.SampleRate > 0 ? ` Each machine reports a given week with probability ${c.SampleRate}.` : ''}</p>`,
    );
    parts.push(
      `<dl class="facts"><dt>Operating systems</dt><dd>${list(c.GOOS)}</dd><dt>Architectures</dt><dd>${list(c.GOARCH)}</dd><dt>Runtimes</dt><dd>${list(c.GoVersion)}</dd></dl>`,
    );
    for (const p of c.Programs) {
      const counters = p.Counters.map(
        (x) => `<tr><td><code>${esc(x.Name)}</code></td><td>${x.Rate}</td></tr>`,
      ).join('');
      const stacks = p.Stacks.map(
        (x) =>
          `<tr><td><code>${esc(x.Name)}</code> (stack, ${x.Depth} frames)</td><td>${x.Rate}</td></tr>`,
      ).join('');
      parts.push(`<section class="program" data-program="${esc(p.Name)}"><h3>${esc(p.Name)}</h3><p>Versions: ${list(p.Versions)}</p>
<table><thead><tr><th scope="col">counter</th><th scope="col">share of reports that include it</th></tr></thead><tbody>${counters}${stacks}</tbody></table></section>`);
    }
  }
  parts.push('<h2>What is published</h2>');
  if (facts.publish === 'raw') {
    parts.push(
      `<p id="mode" data-mode="raw">Mode <strong>raw</strong>: every report, exactly as received, is published in one file per day (<a href="/data">data</a>), and the weekly aggregates on <a href="/charts">charts</a> are computed from them. Anyone can recompute them. The server holds nothing the public cannot see.</p>`,
    );
  } else {
    parts.push(aggregatesText());
    parts.push(facts.epsilon ? noiseText(facts, facts.epsilon) : kOnlyText(facts.k));
  }
  return page({ title: 'Privacy', path: '/privacy', body: parts.join('\n') });
}

/** Sentences of a paragraph, kept apart in the source so no line runs long. */
const para = (attrs: string, ...sentences: string[]): string =>
  `<p${attrs}>${sentences.join(' ')}</p>`;

function aggregatesText(): string {
  return para(
    ' id="mode" data-mode="aggregates"',
    'Mode <strong>aggregates</strong>: reports are never published.',
    "Each day's reports are added into weekly sums and then deleted.",
    "A week's sums are published once, when the week can receive no more reports",
    `(${UPLOAD_WINDOW_DAYS + 1} days after it ends), as: reports per program and version;`,
    'per counter, the share of reports that counted it and the total;',
    'versions, operating systems, architectures and runtimes.',
    'The sums of a week are deleted once published.',
  );
}

/** Differential privacy, in plain words (docs/publication-privacy.md). */
function noiseText(facts: PrivacyFacts, epsilon: number): string {
  const budget = {
    epsilon,
    delta: facts.delta ?? DEFAULT_BUDGET.delta,
    valuesPerReport: facts.valuesPerReport ?? DEFAULT_BUDGET.valuesPerReport,
  };
  const threshold = labelThreshold(budget, facts.k);
  const round = (value: number) => esc(Number(value.toPrecision(3)));
  return [
    '<div id="noise" data-noise="on">',
    para(
      '',
      'Every published number is <strong>differentially private</strong>:',
      "it gets random noise (two-sided geometric, from the operating system's secure random",
      'source), enough that what one report held cannot be told from the published numbers,',
      'whatever else someone knows or sends.',
    ),
    '<dl class="facts">',
    `<dt>ε = <strong id="epsilon">${esc(epsilon)}</strong> per week</dt>`,
    `<dd>${[
      'How much one report can change what is published about its week, at most:',
      `with ε = ${esc(epsilon)}, anything seen in the published data is at most`,
      `e<sup>ε</sup> ≈ ${round(Math.exp(epsilon))} times likelier with a given report`,
      'than without it.',
      `Each report changes at most ${budget.valuesPerReport} published counts`,
      `(counts beyond are not added); each count gets ε = ${round(perCount(budget))},`,
      `totals after capping each report's count at ${CLIP}.`,
    ].join(' ')}</dd>`,
    `<dt>δ = <strong id="delta">${esc(budget.delta)}</strong> per label</dt>`,
    `<dd>${[
      'A version, stack, runtime or any name that came from reports is shown only when its noised',
      `count of reports is at least <strong id="threshold">${threshold}</strong>.`,
      "A name that one report alone holds (a private build's version, say) is shown with",
      'probability at most δ.',
    ].join(' ')}</dd>`,
    `<dt>k = <strong id="k">${facts.k}</strong></dt>`,
    `<dd>${[
      `A floor under that threshold: nothing is shown from a noised count under ${threshold}`,
      '(the larger of k and the threshold derived from ε and δ).',
      'On its own, without noise, k would not resist injected reports.',
    ].join(' ')}</dd>`,
    '</dl>',
    para(
      '',
      'What this protects against: learning from the published data whether a given machine',
      "reported, or what its report held, even by sending many reports of one's own with known",
      'counts (the noise on each number does not shrink, however many reports someone adds).',
      'What it does not: the counters of very many machines are still visible in the totals',
      '(that is the purpose); a machine that reports every week loses up to ε per week,',
      'added up in the <a href="/data/ledger.json">privacy ledger</a>; and the operator of',
      'this server sees each report when it arrives, before it is merged and deleted',
      '(only the published data is private in this sense).',
    ),
    '</div>',
  ].join('\n');
}

function kOnlyText(threshold: number): string {
  return [
    '<div id="noise" data-noise="off">',
    para(
      ' class="warning"',
      '<strong>No noise is added.</strong>',
      `Numbers counted by fewer than <strong id="k">${threshold}</strong> reports are withheld`,
      'and the rest are exact. <strong>k alone does not resist injected reports</strong>:',
      'reports are anonymous, so k counts reports, not people, and anyone can send',
      `${threshold - 1} reports with known counts beside one person's and read that person's`,
      'exact counts from the totals.',
      'The operator chose this (<code>--no-noise-k-only-unsafe</code>).',
    ),
    '</div>',
  ].join('\n');
}

// /charts: per program, one chart per counter group and for versions, OS, architectures and
// runtimes, across weeks. The exact numbers are in a table under each chart (with data-*
// attributes for scripts); the chart data rides in a JSON block that /assets/charts.js draws.
import { MAX_STACKS_PER_WEEK, MAX_VERSIONS_PER_WEEK, type PublishMode } from '../merge/index.js';
import { UPLOAD_WINDOW_DAYS } from '../../report/index.js';
import type { ChartModel, ProgramModel } from './model.js';
import { digits, esc, jsonBlock, page, percent } from './html.js';

export interface ChartData {
  title: string;
  weeks: string[];
  buckets: string[];
  values: number[][];
}

export function chartsPage(
  all: ProgramModel[],
  mode: { publish: PublishMode; k: number; epsilon?: number | undefined },
  maxBytes = Infinity,
): string {
  const data: ChartData[] = [];
  const sections: string[] = [];
  let bytes = 0;
  // A bound on the page: programs are added while they fit (the data keeps every one).
  for (const p of all) {
    const before = data.length;
    const section = programSection(p, data);
    const size = section.length + JSON.stringify(data.slice(before)).length;
    if (sections.length > 0 && bytes + size > maxBytes) {
      data.length = before;
      break;
    }
    bytes += size;
    sections.push(section);
  }
  const programs = all.slice(0, sections.length);
  const left = all.length - programs.length;
  const body = [
    `<p class="lead">${modeLine(mode)} <a href="/data">Download the data</a> · <a href="/privacy">what is collected</a>.</p>`,
    `<p class="note" data-note="labels">${LABELS_NOTE} The charts show the latest ${MAX_CHART_WEEKS} weeks.</p>`,
    programs.length === 0
      ? `<p class="empty">No data published yet.${mode.publish === 'aggregates' ? ` In this mode a week is published ${UPLOAD_WINDOW_DAYS + 1} days after it ends, when no more of its reports can arrive.` : ''}</p>`
      : `<nav class="toc" aria-label="Programs"><ul>${programs.map((program, i) => `<li><a href="#program-${i}">${esc(program.program)}</a></li>`).join('')}</ul></nav>`,
    ...sections.map((section, i) => section.replace('<section ', `<section id="program-${i}" `)),
    left > 0
      ? `<p class="note" data-note="more">${left} more program${left === 1 ? '' : 's'} did not fit on this page: see <a href="/data">the data</a>.</p>`
      : '',
    jsonBlock('chart-data', JSON.stringify(data)),
  ].join('\n');
  return page({ title: 'Charts', path: '/charts', body, script: true });
}

/** Weeks charted: the latest; every week stays in /data. */
export const MAX_CHART_WEEKS = 26;

/** What the merge's label bound (server/merge/fold.ts) does to these charts, said on them. */
export const LABELS_NOTE = `A week keeps at most ${MAX_VERSIONS_PER_WEEK} versions and ${MAX_STACKS_PER_WEEK} stack names per program; reports of later new versions are counted under the version <strong>other</strong>, and later new stacks under <code>&lt;stack&gt;\\nother</code>.`;

export function modeLine(mode: {
  publish: PublishMode;
  k: number;
  epsilon?: number | undefined;
}): string {
  if (mode.publish === 'raw')
    return 'Publication mode <strong>raw</strong>: every report is published as received; these charts are computed from them, exactly.';
  return `Publication mode <strong>aggregates</strong>: only these sums are published, once a week can receive no more reports${
    mode.epsilon
      ? `, differentially private at ε = ${esc(mode.epsilon)} per week ` +
        '(every count noised; see <a href="/privacy">privacy</a>)'
      : `, each from at least ${mode.k} reports, without noise`
  }; the reports themselves are deleted once merged.`;
}

function programSection(program: ProgramModel, data: ChartData[]): string {
  const weekHead = program.weeks.map((week) => `<th scope="col">${esc(week)}</th>`).join('');
  const reports = `<table class="reports"><thead><tr><th scope="col">week ending</th>${weekHead}</tr></thead><tbody><tr data-row="reports"><th scope="row">reports</th>${program.reports
    .map(
      (reports, i) =>
        `<td data-week="${esc(program.weeks[i]!)}" data-reports="${reports}">${digits(reports)}</td>`,
    )
    .join('')}</tr></tbody></table>`;
  const charts = program.charts.map((chart) => chartFigure(program, chart, data)).join('\n');
  return `<section class="program" data-program="${esc(program.program)}"><h2>${esc(program.program)}</h2>\n${reports}\n${charts}</section>`;
}

function chartFigure(program: ProgramModel, chart: ChartModel, data: ChartData[]): string {
  const index = data.length;
  data.push({
    title: chart.title,
    weeks: program.weeks,
    buckets: chart.buckets,
    values: chart.points.map((row) =>
      row.map((point) => (point ? Math.round(point.fraction * 10000) / 100 : 0)),
    ),
  });
  const head = program.weeks.map((week) => `<th scope="col">${esc(week)}</th>`).join('');
  const rows = chart.buckets.map((bucket, bucketIndex) => {
    const cells = chart.points[bucketIndex]!.map((point, weekIndex) => {
      const week = esc(program.weeks[weekIndex]!);
      if (!point)
        return `<td data-week="${week}" data-reports="0" data-fraction="0" class="none">–</td>`;
      const total = point.total === null ? '' : ` data-total="${point.total}"`;
      const text = `${percent(point.fraction)} <span class="n">(${digits(point.reports)})</span>${point.total === null ? '' : ` <span class="total">Σ ${digits(point.total)}</span>`}`;
      return `<td data-week="${week}" data-reports="${point.reports}" data-fraction="${point.fraction}"${total}>${text}</td>`;
    });
    return `<tr data-bucket="${esc(bucket)}"><th scope="row">${esc(bucket)}</th>${cells.join('')}</tr>`;
  });
  const label =
    chart.kind === 'counter'
      ? 'share of reports that counted it (reports), Σ total count'
      : 'share of reports (reports)';
  return `<figure class="chart" data-chart="${esc(chart.id)}"><figcaption><h3>${esc(chart.title)}</h3><span class="hint">${label}</span></figcaption>
<div class="canvas"><canvas data-index="${index}" role="img" aria-label="${esc(chart.title)}: share of reports per week"></canvas></div>
<table><thead><tr><th scope="col">${chart.kind === 'counter' ? 'bucket' : esc(chart.kind)}</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></figure>`;
}

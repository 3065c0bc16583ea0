// Chart.js drawing. Charts are created only when their card scrolls into view, because a
// program can have hundreds of counters; exact values live in the tables, the charts only
// show shape (Chart.js plots floats), and their tooltips show the exact decimal.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { groupDigits, type ChartModel } from './model.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const PALETTE = [
  '#2563eb',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
  '#64748b',
  '#f97316',
];

export class ChartPool {
  private charts: Chart[] = [];
  private pending = new Map<Element, () => void>();
  private observer = new IntersectionObserver((entries) => this.reveal(entries), {
    rootMargin: '200px',
  });

  private queued: (() => void)[] = [];

  /** Draws `model` on `canvas` at the next flush(), or when `lazy`, once it is near the viewport. */
  add(canvas: HTMLCanvasElement, model: ChartModel, lazy: boolean): void {
    const draw = () => this.charts.push(new Chart(canvas, config(model)));
    if (!lazy) return void this.queued.push(draw);
    this.pending.set(canvas, draw);
    this.observer.observe(canvas);
  }

  /** Draws the charts added without `lazy`; called once their canvases are in the document, so Chart.js can size them. */
  flush(): void {
    for (const draw of this.queued.splice(0)) draw();
  }

  /** Frees every chart; called before the page is re-rendered with new data. */
  clear(): void {
    this.observer.disconnect();
    this.pending.clear();
    this.queued = [];
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }

  private reveal(entries: IntersectionObserverEntry[]): void {
    for (const e of entries) {
      const draw = e.isIntersecting ? this.pending.get(e.target) : undefined;
      if (!draw) continue;
      this.pending.delete(e.target);
      this.observer.unobserve(e.target);
      draw();
    }
  }
}

function config(model: ChartModel): ChartConfiguration<'bar', (number | null)[], string> {
  return {
    type: 'bar',
    data: {
      labels: model.weeks,
      datasets: model.series.map((series, i) => ({
        label: shorten(series.name, 28),
        data: series.values.map((value) => (value === null ? null : Number(value))),
        backgroundColor: PALETTE[i % PALETTE.length],
        borderRadius: 3,
        maxBarThickness: 48,
      })),
    },
    options: {
      // Polling re-renders often; animation would also delay the first real pixels.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: {
          display: model.family,
          position: 'bottom',
          labels: { boxWidth: 10, boxHeight: 10, font: { size: 11 } },
        },
        tooltip: {
          callbacks: {
            // Show the exact value and the full bucket name, not the float that was plotted.
            label: (ctx) => {
              const s = model.series[ctx.datasetIndex]!;
              const v = s.values[ctx.dataIndex];
              return `${model.family ? s.name + ': ' : ''}${v == null ? 'not counted' : groupDigits(v)}`;
            },
          },
        },
      },
      scales: {
        x: { grid: { display: false }, ticks: { font: { size: 11 } } },
        y: {
          beginAtZero: true,
          ticks: { font: { size: 11 }, callback: (tick) => axisLabel(Number(tick)) },
        },
      },
    },
  };
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

function axisLabel(value: number): string {
  return Math.abs(value) >= 1e15 ? value.toExponential(1) : compact.format(value);
}

function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

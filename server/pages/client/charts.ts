// The /charts page's only script (served from /assets/charts.js, Chart.js bundled in): draws
// each chart from the page's JSON data block, when it scrolls near. Values are percentages of reports, 0 where a
// week had nothing, so Chart.js never gets null.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

interface ChartData {
  title: string;
  weeks: string[];
  buckets: string[];
  values: number[][];
}

const COLORS = [
  '#1b6ac9',
  '#e07b00',
  '#2a9d4b',
  '#c0392b',
  '#7b4fc9',
  '#0e9aa7',
  '#b5651d',
  '#d35fa0',
  '#5c6b73',
  '#9aa51f',
];

function chartOf(canvas: HTMLCanvasElement, chart: ChartData): void {
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: chart.weeks,
      datasets: chart.buckets.map((bucket, i) => ({
        label: bucket,
        data: chart.values[i] ?? chart.weeks.map(() => 0),
        backgroundColor: COLORS[i % COLORS.length],
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        y: { beginAtZero: true, max: 100, title: { display: true, text: '% of reports' } },
        x: { title: { display: true, text: 'week ending' } },
      },
      plugins: {
        legend: { display: chart.buckets.length > 1 },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.parsed.y}%` } },
      },
    },
  });
  canvas.dataset.drawn = 'true';
}

/** Charts are drawn as they come near the viewport: a program with hundreds of counters stays fast to open. */
function drawAll(): void {
  const block = document.getElementById('chart-data');
  if (!block) return;
  const data = JSON.parse(block.textContent ?? '[]') as ChartData[];
  const draw = (canvas: HTMLCanvasElement) => {
    const d = data[Number(canvas.dataset.index)];
    if (d && !canvas.dataset.drawn) chartOf(canvas, d);
  };
  const canvases = [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-index]')];
  if (typeof IntersectionObserver === 'undefined') return canvases.forEach(draw);
  const seen = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        seen.unobserve(e.target);
        draw(e.target as HTMLCanvasElement);
      }
    },
    { rootMargin: '400px 0px' },
  );
  for (const c of canvases) seen.observe(c);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
else drawAll();

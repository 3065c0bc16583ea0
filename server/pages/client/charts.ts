// The /charts page's only script (served from /assets/charts.js, Chart.js bundled in): draws
// each chart from the page's JSON data block. Values are percentages of reports, 0 where a
// week had nothing, so Chart.js never gets null (golang/go #67397).
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

interface ChartData { title: string; weeks: string[]; buckets: string[]; values: number[][] }

const COLORS = ['#1b6ac9', '#e07b00', '#2a9d4b', '#c0392b', '#7b4fc9', '#0e9aa7', '#b5651d', '#d35fa0', '#5c6b73', '#9aa51f'];

function draw(): void {
  const block = document.getElementById('chart-data');
  if (!block) return;
  const data = JSON.parse(block.textContent ?? '[]') as ChartData[];
  for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-index]')) {
    const d = data[Number(canvas.dataset.index)];
    if (!d) continue;
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: d.weeks,
        datasets: d.buckets.map((b, i) => ({ label: b, data: d.values[i] ?? d.weeks.map(() => 0), backgroundColor: COLORS[i % COLORS.length] })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: '% of reports' } }, x: { title: { display: true, text: 'week ending' } } },
        plugins: { legend: { display: d.buckets.length > 1 }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.parsed.y}%` } } },
      },
    });
    canvas.dataset.drawn = 'true';
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
else draw();

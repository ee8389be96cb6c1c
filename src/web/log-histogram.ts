/**
 * Log volume over the range as bars stacked by severity (uPlot). Stacking is drawn, not computed
 * by uPlot: each series is the running total up to its severity, and the taller ones are drawn
 * first so the shorter ones cover them. Dragging across the chart zooms to that span.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el } from './dom.ts';
import { formatClock } from './format.ts';
import type { Histogram } from './log-api.ts';
import { formatDateTime } from './time-range.ts';

/** Bottom to top: the most severe at the base, where the eye lands first. */
export const SEVERITY_COLOURS: Array<[string, string]> = [
  ['emerg', '#7f1d1d'],
  ['alert', '#991b1b'],
  ['crit', '#b91c1c'],
  ['err', '#ef4444'],
  ['warning', '#f59e0b'],
  ['notice', '#14b8a6'],
  ['info', '#3b82f6'],
  ['debug', '#a5b4fc'],
  ['unknown', '#cbd5e1'],
];

const HEIGHT_PX = 120;
const AXIS = { stroke: '#64748b', grid: { stroke: '#eef2f7', width: 1 }, ticks: { show: false } };

export class LogHistogram {
  readonly element = el('div', { class: 'histogram', 'data-testid': 'histogram', 'data-bars': '0' });
  private readonly readout = el('div', { class: 'histogram-readout' });
  private readonly plot: uPlot;
  private xRange: [number, number] = [0, 1];
  private histogram: Histogram | undefined;

  constructor(private readonly onZoom: (fromMs: number, toMs: number) => void) {
    const bars = uPlot.paths.bars!({ size: [0.9, 40], align: 1 });
    const layers = [...SEVERITY_COLOURS].reverse();
    this.plot = new uPlot(
      {
        width: 800,
        height: HEIGHT_PX,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        scales: {
          x: { time: true, range: () => this.xRange },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: [
          { ...AXIS, size: 28, values: (_u, splits) => splits.map((s) => formatClock(s * 1000)) },
          {
            ...AXIS,
            size: 48,
            values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
          },
        ],
        series: [
          {},
          ...layers.map(([label, colour]) => ({
            label,
            fill: colour,
            stroke: colour,
            width: 0,
            paths: bars,
            points: { show: false },
          })),
        ],
        hooks: {
          setSelect: [(u) => this.selected(u)],
          setCursor: [(u) => this.showReadout(u.cursor.idx)],
        },
      },
      [[], ...layers.map(() => [])],
      this.element,
    );
    this.element.append(this.readout);
    new ResizeObserver(() => {
      const width = this.element.clientWidth;
      if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT_PX });
    }).observe(this.element);
  }

  update(histogram: Histogram): void {
    this.histogram = histogram;
    const half = histogram.interval_ms / 2000;
    this.xRange = [histogram.from / 1000 - half, histogram.to / 1000 + half];
    const xs = histogram.buckets.map((b) => b.ts / 1000);
    const running = histogram.buckets.map(() => 0);
    const stacked = SEVERITY_COLOURS.map(([name]) =>
      histogram.buckets.map((b, i) => (running[i]! += b.by_severity[name] ?? 0) || null),
    );
    this.plot.setData([xs, ...stacked.reverse()]);
    const nonEmpty = histogram.buckets.filter((b) => b.total > 0).length;
    this.element.dataset.bars = String(nonEmpty);
    this.element.dataset.total = String(histogram.buckets.reduce((sum, b) => sum + b.total, 0));
    this.showReadout(null);
  }

  private selected(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 3) return;
    const from = u.posToVal(left, 'x') * 1000;
    const to = u.posToVal(left + width, 'x') * 1000;
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.onZoom(from, to);
  }

  private showReadout(idx: number | null | undefined): void {
    const bucket = idx === null || idx === undefined ? undefined : this.histogram?.buckets[idx];
    if (!bucket) {
      const total = this.element.dataset.total ?? '0';
      this.readout.textContent = `${total} lines · drag to zoom`;
      return;
    }
    const parts = SEVERITY_COLOURS.filter(([name]) => bucket.by_severity[name]).map(([name, colour]) =>
      el(
        'span',
        { class: 'readout-item' },
        el('span', { class: 'swatch', style: `--swatch: ${colour}` }),
        `${name} ${bucket.by_severity[name]}`,
      ),
    );
    this.readout.replaceChildren(
      el('span', { class: 'readout-time' }, `${formatDateTime(bucket.ts)} · ${bucket.total}`),
      ...parts,
    );
  }
}

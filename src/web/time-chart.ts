/** One uPlot line chart over the selected time range, sized to its container. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el } from './dom.ts';
import { formatClock } from './format.ts';
import { drawnPoints, type Columns } from './series.ts';

export interface ChartLine {
  label: string;
  stroke: string;
  fill?: string;
  dash?: number[];
}

export interface TimeChartOptions {
  lines: ChartLine[];
  /** Text for a value in the readout above the chart. */
  formatValue: (value: number) => string;
  /** Text for a tick on the y axis (defaults to formatValue). */
  formatTick?: (value: number) => string;
  /** Fixed y range (CPU 0–100); otherwise from 0 to a little above the largest value. */
  yRange?: [number, number];
  /** Axis steps to pick from, e.g. powers of two for bytes. */
  yIncrements?: number[];
}

const HEIGHT_PX = 200;
const AXIS = { stroke: '#64748b', grid: { stroke: '#eef2f7', width: 1 }, ticks: { show: false } };

function lastValue(column: ArrayLike<number | null | undefined>): number | null {
  for (let i = column.length - 1; i >= 0; i--) {
    const value = column[i];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

export class TimeChart {
  private readonly plot: uPlot;
  private readonly empty = el('div', { class: 'chart-empty' }, 'No data in this range yet');
  /** The x range in seconds; the whole selected range is drawn even where there is no data. */
  private xRange: [number, number] = [0, 1];

  /**
   * `container` gets the canvas and a `data-points` attribute; `readout` shows each line's
   * latest value, or its value under the cursor.
   */
  constructor(
    private readonly container: HTMLElement,
    private readonly readout: HTMLElement,
    private readonly options: TimeChartOptions,
  ) {
    container.dataset.points = '0';
    const tick = options.formatTick ?? options.formatValue;
    this.plot = new uPlot(
      {
        width: Math.max(container.clientWidth, 300),
        height: HEIGHT_PX,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        scales: {
          x: { time: true, range: () => this.xRange },
          y: { range: (_u, _min, max) => options.yRange ?? [0, max > 0 ? max * 1.15 : 1] },
        },
        axes: [
          { ...AXIS, size: 32, values: (_u, splits) => splits.map((s) => formatClock(s * 1000)) },
          {
            ...AXIS,
            size: 64,
            values: (_u, splits) => splits.map((v) => tick(v)),
            ...(options.yIncrements ? { incrs: options.yIncrements } : {}),
          },
        ],
        series: [
          {},
          ...options.lines.map((line) => ({
            label: line.label,
            stroke: line.stroke,
            width: 2,
            points: { show: false },
            ...(line.fill ? { fill: line.fill } : {}),
            ...(line.dash ? { dash: line.dash } : {}),
          })),
        ],
        hooks: { setCursor: [(u) => this.showReadout(u.cursor.idx)] },
      },
      [[], ...options.lines.map(() => [])],
      container,
    );
    container.append(this.empty);
    this.showReadout(null);
    new ResizeObserver(() => this.fitWidth()).observe(container);
  }

  /** Draws `columns` over [fromMs, toMs] and records how many points were drawn. */
  update(columns: Columns, fromMs: number, toMs: number): void {
    this.xRange = [fromMs / 1000, toMs / 1000];
    this.plot.setData(columns);
    const points = drawnPoints(columns);
    this.container.dataset.points = String(points);
    this.empty.hidden = points > 0;
    this.showReadout(this.plot.cursor.idx);
  }

  private showReadout(idx: number | null | undefined): void {
    const data = this.plot.data;
    const hovered = idx === null || idx === undefined ? undefined : idx;
    const items = this.options.lines.map((line, i) => {
      const column = data[i + 1] ?? [];
      const value = hovered === undefined ? lastValue(column) : (column[hovered] ?? null);
      return el(
        'span',
        { class: 'readout-item' },
        el('span', { class: `swatch${line.dash ? ' dashed' : ''}`, style: `--swatch: ${line.stroke}` }),
        `${line.label} `,
        el('strong', {}, value === null ? '–' : this.options.formatValue(value)),
      );
    });
    const at = hovered === undefined ? undefined : data[0][hovered];
    if (at !== undefined) items.unshift(el('span', { class: 'readout-time' }, formatClock(at * 1000)));
    this.readout.replaceChildren(...items);
  }

  private fitWidth(): void {
    const width = this.container.clientWidth;
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT_PX });
  }
}

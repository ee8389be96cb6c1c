/**
 * One uPlot line chart over the selected time range, sized to its container. Events show as
 * markers; dragging across it (`onBrush`) picks a range and a click (`onPick`) picks a moment,
 * which the pages use to set the shared range and open the logs of that minute.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { drawMarkers, type ChartMarker } from './chart-markers.ts';
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
  /** Called with the span dragged across, in ms. */
  onBrush?: (fromMs: number, toMs: number) => void;
  /** Called with the time under a click (no drag), in ms. */
  onPick?: (ts: number) => void;
  height?: number;
}

const HEIGHT_PX = 200;
// Grey with alpha reads on the light and the dark theme alike.
const AXIS = {
  stroke: '#64748b',
  grid: { stroke: 'rgba(100, 116, 139, 0.18)', width: 1 },
  ticks: { show: false },
};
/** A press and release closer than this is a click, not a drag. */
const CLICK_PX = 3;

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
  private markers: ChartMarker[] = [];
  private readonly height: number;

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
    container.dataset.markers = '';
    this.height = options.height ?? HEIGHT_PX;
    const brush = options.onBrush !== undefined;
    const tick = options.formatTick ?? options.formatValue;
    this.plot = new uPlot(
      {
        width: Math.max(container.clientWidth, 300),
        height: this.height,
        legend: { show: false },
        cursor: { drag: { x: brush, y: false, setScale: false }, points: { size: 6 } },
        select: { show: brush, left: 0, top: 0, width: 0, height: 0 },
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
        hooks: {
          setCursor: [(u) => this.showReadout(u.cursor.idx)],
          setSelect: [(u) => this.brushed(u)],
          draw: [(u) => drawMarkers(u, this.markers)],
        },
      },
      [[], ...options.lines.map(() => [])],
      container,
    );
    container.append(this.empty);
    this.listenForPicks();
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

  /** Events to draw as markers, e.g. a container's die and start. */
  setMarkers(markers: ChartMarker[]): void {
    this.markers = markers;
    this.container.dataset.markers = markers.map((m) => m.label).join(',');
    this.plot.redraw(false, false);
  }

  private brushed(u: uPlot): void {
    const { left, width } = u.select;
    if (width < CLICK_PX || !this.options.onBrush) return;
    const from = u.posToVal(left, 'x') * 1000;
    const to = u.posToVal(left + width, 'x') * 1000;
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.options.onBrush(from, to);
  }

  private listenForPicks(): void {
    const onPick = this.options.onPick;
    if (!onPick) return;
    const over = this.plot.over;
    over.style.cursor = 'crosshair';
    over.title = this.options.onBrush
      ? 'Drag to zoom; click for the logs of that minute'
      : 'Click for the logs of that minute';
    let downX = 0;
    over.addEventListener('mousedown', (event) => (downX = event.clientX));
    over.addEventListener('click', (event) => {
      if (Math.abs(event.clientX - downX) >= CLICK_PX) return;
      const x = event.clientX - over.getBoundingClientRect().left;
      onPick(this.plot.posToVal(x, 'x') * 1000);
    });
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
    if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.height });
  }
}

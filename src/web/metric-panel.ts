/**
 * The charts of a host or container page: one card per chart, all over the page's range, each
 * with the scope's events as markers. Dragging across any chart sets the range of the whole page
 * (the URL), and a click opens the logs of that minute.
 */
import type { Api, QueryResult } from './api.ts';
import type { ChartMarker } from './chart-markers.ts';
import { el } from './dom.ts';
import { byTimestamp, toColumns, type Columns } from './series.ts';
import { TimeChart, type ChartLine } from './time-chart.ts';
import type { TimeRange } from './time-range.ts';

export interface ChartData {
  columns: Columns;
  from: number;
  to: number;
}

export interface ChartSpec {
  title: string;
  testId: string;
  lines: ChartLine[];
  formatValue: (value: number) => string;
  formatTick?: (value: number) => string;
  yRange?: [number, number];
  yIncrements?: number[];
  /** One metric query per line, in the order of `lines`. */
  queries: string[];
  /** Turns the query answers into what is drawn (default: the first series of each, as is). */
  combine?: (results: QueryResult[]) => Array<Map<number, number>>;
}

export interface PanelActions {
  onBrush: (fromMs: number, toMs: number) => void;
  onPick: (ts: number) => void;
}

export class MetricPanel {
  readonly element = el('div', { class: 'charts' });
  private charts: Array<{ spec: ChartSpec; chart: TimeChart }> = [];
  private key = '';

  constructor(
    private readonly api: Api,
    private readonly actions: PanelActions,
  ) {}

  /** The charts to show; the same specs again (same queries) keep the charts as they are. */
  setSpecs(specs: ChartSpec[]): void {
    const key = JSON.stringify(specs.map((s) => s.queries));
    if (key === this.key) return;
    this.key = key;
    this.element.replaceChildren();
    const actions = this.actions;
    this.charts = specs.map((spec) => {
      const body = el('div', { class: 'chart', 'data-testid': spec.testId, 'data-points': '0' });
      const readout = el('div', { class: 'readout' });
      const header = el(
        'header',
        { class: 'card-header' },
        el('h3', { class: 'card-title' }, spec.title),
        readout,
      );
      this.element.append(el('article', { class: 'card' }, header, body));
      const chart = new TimeChart(body, readout, {
        lines: spec.lines,
        formatValue: spec.formatValue,
        ...(spec.formatTick ? { formatTick: spec.formatTick } : {}),
        ...(spec.yRange ? { yRange: spec.yRange } : {}),
        ...(spec.yIncrements ? { yIncrements: spec.yIncrements } : {}),
        onBrush: actions.onBrush,
        onPick: actions.onPick,
        height: 170,
      });
      return { spec, chart };
    });
  }

  /** Loads every chart over `range`; one failing query fails the load (the page reports it). */
  async load(range: TimeRange): Promise<void> {
    const answers = await Promise.all(
      this.charts.map(({ spec }) =>
        Promise.all(spec.queries.map((q) => this.api.query(q, range.from, range.to))),
      ),
    );
    this.charts.forEach(({ spec, chart }, i) => {
      const results = answers[i]!;
      const first = results[0]!;
      const lines = spec.combine ? spec.combine(results) : results.map(byTimestamp);
      chart.update(toColumns(lines, first.step_ms), first.from, first.to);
    });
  }

  setMarkers(markers: ChartMarker[]): void {
    for (const { chart } of this.charts) chart.setMarkers(markers);
  }
}

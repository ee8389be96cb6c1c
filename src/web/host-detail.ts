/**
 * The right-hand panel of the Hosts page: the selected host's figures, its charts with its events
 * as markers, and its logs over the same range underneath.
 */
import { hostSelector, type Api, type Host, type QueryResult } from './api.ts';
import {
  anomalyMarker,
  eventMarker,
  logsHref,
  minuteLogsHref,
  scopeAnomalies,
  scopeEvents,
} from './correlate.ts';
import { byId, el } from './dom.ts';
import { formatBytes, formatDecimal } from './format.ts';
import { hostCharts } from './host-charts.ts';
import { MetricPanel, type PanelActions } from './metric-panel.ts';
import { ScopedLogs } from './scoped-logs.ts';
import { latest } from './series.ts';
import type { TimeRange } from './time-range.ts';

const FIGURES = [
  { metric: 'node_load1', label: 'Load 1m', format: formatDecimal },
  { metric: 'node_load5', label: 'Load 5m', format: formatDecimal },
  { metric: 'node_load15', label: 'Load 15m', format: formatDecimal },
  { metric: 'node_cpus', label: 'CPUs', format: (v: number) => String(Math.round(v)) },
  { metric: 'node_memory_MemAvailable_bytes', label: 'Memory available', format: formatBytes },
] as const;

/** The latest figures only need the last few reports. */
const FIGURES_FROM = 'now-2m';

export class HostDetail {
  private readonly title = el('h2', { class: 'host-title' });
  private readonly meta = el('p', { class: 'host-meta' });
  private readonly logsLink = el(
    'a',
    { class: 'button-link', 'data-testid': 'host-logs-link' },
    'Logs of this host →',
  );
  private readonly figures = el('dl', { class: 'figures' });
  private readonly waiting = el('div', { class: 'empty-state', 'data-testid': 'empty-state' });
  private readonly header: HTMLElement;
  private readonly panel: MetricPanel;
  private readonly logs: ScopedLogs;
  private host = '';

  constructor(
    private readonly api: Api,
    actions: Omit<PanelActions, 'onPick'>,
    go: (hash: string) => void,
  ) {
    this.waiting.append(
      el('h2', {}, 'Waiting for the first agent…'),
      el('p', {}, 'Run this on a node; it shows up here within a few seconds:'),
      el('pre', {}, el('code', {}, `birdseye agent --server ${window.location.origin} --token TOKEN`)),
    );
    this.header = el(
      'header',
      { class: 'detail-header' },
      el('div', {}, this.title, this.meta),
      this.logsLink,
    );
    this.panel = new MetricPanel(api, {
      ...actions,
      onPick: (ts) => go(minuteLogsHref({ host: this.host }, ts)),
    });
    this.logs = new ScopedLogs(api, go);
    byId('detail').append(this.waiting, this.header, this.figures, this.panel.element, this.logs.element);
    this.showWaiting(true);
  }

  /** With no host reported yet, the panel says how to start an agent instead of empty charts. */
  showWaiting(waiting: boolean): void {
    this.waiting.hidden = !waiting;
    for (const part of [this.header, this.figures, this.panel.element, this.logs.element])
      part.hidden = waiting;
  }

  /** Points "Logs of this host" at the range at once, before the charts have loaded. */
  linkLogs(host: string, range: TimeRange): void {
    this.logsLink.href = logsHref({ host }, range);
  }

  async load(host: Host, range: TimeRange): Promise<void> {
    this.host = host.host;
    this.panel.setSpecs(hostCharts(host.host));
    const scope = { host: host.host };
    const [figures, events, found] = await Promise.all([
      Promise.all(FIGURES.map((f) => this.api.query(hostSelector(f.metric, host.host), FIGURES_FROM))),
      scopeEvents(this.api, scope, range),
      scopeAnomalies(this.api, scope, range),
      this.panel.load(range),
      this.logs.load(scope, range),
    ]);
    this.showWaiting(false);
    this.title.textContent = host.host;
    this.logsLink.href = logsHref(scope, range);
    this.meta.textContent = `agent ${host.agent_version} · ${host.status === 'up' ? 'reporting' : 'stale'}`;
    this.panel.setMarkers([...found.map(anomalyMarker), ...events.map(eventMarker)]);
    this.figures.replaceChildren(
      ...FIGURES.map((f, i) => figure(f.label, formatLatest(figures[i], f.format))),
    );
  }
}

function formatLatest(result: QueryResult | undefined, format: (value: number) => string): string {
  const value = result && latest(result);
  return value === undefined ? '–' : format(value);
}

function figure(label: string, value: string): HTMLElement {
  return el('div', { class: 'figure' }, el('dt', {}, label), el('dd', {}, value));
}

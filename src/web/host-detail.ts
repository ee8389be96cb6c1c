/** The right-hand panel: the selected host's figures and its CPU and memory charts. */
import { hostSelector, type Api, type Host, type QueryResult } from './api.ts';
import { byId, el } from './dom.ts';
import { BYTE_INCREMENTS, formatBytes, formatDecimal } from './format.ts';
import { quoteTerm } from './log-api.ts';
import { formatRoute } from './router.ts';
import { byTimestamp, latest, subtract, toColumns } from './series.ts';
import { TimeChart } from './time-chart.ts';

const FIGURES = [
  { metric: 'node_load1', label: 'Load 1m', format: formatDecimal },
  { metric: 'node_load5', label: 'Load 5m', format: formatDecimal },
  { metric: 'node_load15', label: 'Load 15m', format: formatDecimal },
  { metric: 'node_cpus', label: 'CPUs', format: (v: number) => String(Math.round(v)) },
] as const;

/** The latest figures only need the last few reports. */
const FIGURES_FROM = 'now-2m';

interface ChartCard {
  card: HTMLElement;
  body: HTMLElement;
  readout: HTMLElement;
}

function chartCard(title: string, testId: string): ChartCard {
  const body = el('div', { class: 'chart', 'data-testid': testId, 'data-points': '0' });
  const readout = el('div', { class: 'readout' });
  const header = el('header', { class: 'card-header' }, el('h3', { class: 'card-title' }, title), readout);
  return { card: el('article', { class: 'card' }, header, body), body, readout };
}

export class HostDetail {
  private readonly title = el('h2', { class: 'host-title' });
  private readonly meta = el('p', { class: 'host-meta' });
  private readonly logsLink = el(
    'a',
    { class: 'button-link', 'data-testid': 'host-logs-link' },
    'Logs of this host →',
  );
  private readonly figures = el('dl', { class: 'figures' });
  private readonly charts = el('div', { class: 'charts' });
  private readonly waiting = el('div', { class: 'empty-state', 'data-testid': 'empty-state' });
  private readonly cpu: TimeChart;
  private readonly memory: TimeChart;

  constructor(private readonly api: Api) {
    const cpuCard = chartCard('CPU', 'chart-cpu');
    const memoryCard = chartCard('Memory', 'chart-memory');
    this.charts.append(cpuCard.card, memoryCard.card);
    this.waiting.append(
      el('h2', {}, 'Waiting for the first agent…'),
      el('p', {}, 'Run this on a node; it shows up here within a few seconds:'),
      el('pre', {}, el('code', {}, `birdseye agent --server ${window.location.origin} --token TOKEN`)),
    );
    const header = el(
      'header',
      { class: 'detail-header' },
      el('div', {}, this.title, this.meta),
      this.logsLink,
    );
    byId('detail').append(this.waiting, header, this.figures, this.charts);
    this.cpu = new TimeChart(cpuCard.body, cpuCard.readout, {
      lines: [{ label: 'busy', stroke: '#2563eb', fill: 'rgba(37, 99, 235, 0.12)' }],
      formatValue: (v) => `${formatDecimal(v)} %`,
      formatTick: (v) => `${Math.round(v)} %`,
      yRange: [0, 100],
    });
    this.memory = new TimeChart(memoryCard.body, memoryCard.readout, {
      lines: [
        { label: 'used', stroke: '#7c3aed', fill: 'rgba(124, 58, 237, 0.12)' },
        { label: 'total', stroke: '#94a3b8', dash: [6, 4] },
      ],
      formatValue: formatBytes,
      yIncrements: BYTE_INCREMENTS,
    });
    this.showWaiting(true);
  }

  /** With no host reported yet, the panel says how to start an agent instead of empty charts. */
  showWaiting(waiting: boolean): void {
    this.waiting.hidden = !waiting;
    for (const part of [this.title.parentElement?.parentElement, this.figures, this.charts]) {
      if (part) part.hidden = waiting;
    }
  }

  /** Points "Logs of this host" at the Logs page for this host over the same range. */
  linkLogs(host: string, range: string): void {
    this.logsLink.href = formatRoute({
      page: 'logs',
      params: { q: `host:${quoteTerm(host)}`, from: `now-${range}`, to: 'now' },
    });
  }

  async load(host: Host, range: string): Promise<void> {
    const q = (metric: string, from = `now-${range}`): Promise<QueryResult> =>
      this.api.query(hostSelector(metric, host.host), from);
    const [cpu, memTotal, memAvailable, ...figures] = await Promise.all([
      q('node_cpu_usage_percent'),
      q('node_memory_MemTotal_bytes'),
      q('node_memory_MemAvailable_bytes'),
      ...FIGURES.map((f) => q(f.metric, FIGURES_FROM)),
    ]);

    this.showWaiting(false);
    this.title.textContent = host.host;
    this.linkLogs(host.host, range);
    this.meta.textContent = `agent ${host.agent_version} · ${host.status === 'up' ? 'reporting' : 'stale'}`;

    this.cpu.update(toColumns([byTimestamp(cpu)], cpu.step_ms), cpu.from, cpu.to);
    const total = byTimestamp(memTotal);
    const used = subtract(total, byTimestamp(memAvailable));
    this.memory.update(toColumns([used, total], memTotal.step_ms), memTotal.from, memTotal.to);

    const usedNow = [...used.values()].at(-1);
    const totalNow = [...total.values()].at(-1);
    this.figures.replaceChildren(
      ...FIGURES.map((f, i) => figure(f.label, formatLatest(figures[i], f.format))),
      figure(
        'Memory used',
        usedNow === undefined || totalNow === undefined
          ? '–'
          : `${formatBytes(usedNow)} of ${formatBytes(totalNow)}`,
      ),
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

/**
 * The Overview, the default page: every host as a tile coloured by its health, the counts that
 * matter, the busiest containers, log volume by severity, and what just happened (events,
 * anomalies). One request per refresh (GET /api/v1/overview), so it stays quick with hundreds of
 * containers: the server reads the newest figures of every series in one statement.
 */
import type { Anomaly } from './alert-api.ts';
import type { Api } from './api.ts';
import { byId, clearError, el } from './dom.ts';
import { renderEvent } from './events-page.ts';
import { hostHealth } from './fleet.ts';
import { formatAgo, formatBytes, formatDecimal } from './format.ts';
import { LogHistogram } from './log-histogram.ts';
import { overview, type Overview, type OverviewHost, type TopContainer } from './overview-api.ts';
import { poll, type Poller } from './poller.ts';
import { RangePicker } from './range-picker.ts';
import { formatRoute, type Page, type Params, type Router } from './router.ts';
import { reportError, requireToken } from './sign-in.ts';
import { absoluteRange, formatLogTime, pageRange, type TimeRange } from './time-range.ts';
import { renderEmptyStart } from './empty-start.ts';

const REFRESH_MS = 10_000;
const TOP = 8;
const RECENT_EVENTS = 12;

export class OverviewPage implements Page {
  private readonly root = byId('page-overview');
  private readonly picker: RangePicker;
  private readonly histogram: LogHistogram;
  private readonly counts = el('div', { class: 'counts', 'data-testid': 'overview-counts' });
  private readonly tiles = el('ul', { class: 'host-tiles', 'data-testid': 'host-tiles' });
  private readonly topCpu = el('ol', { class: 'top-list', 'data-testid': 'top-cpu' });
  private readonly topMemory = el('ol', { class: 'top-list', 'data-testid': 'top-memory' });
  private readonly events = el('ol', { class: 'event-list', 'data-testid': 'recent-events' });
  private readonly anomalyCard = el('section', { class: 'card', 'data-testid': 'anomalies' });
  private readonly anomalyList = el('ol', { class: 'event-list' });
  private readonly empty = el('div', { class: 'overview-empty' });
  private readonly content: HTMLElement;
  private range: TimeRange = { from: 'now-1h', to: 'now' };
  private readonly poller: Poller;
  private firstRender = true;

  constructor(
    private readonly api: Api,
    private readonly router: Router,
  ) {
    this.picker = new RangePicker((range) => this.router.update({ ...range }));
    this.histogram = new LogHistogram((from, to) => this.router.update({ ...absoluteRange(from, to) }));
    this.anomalyCard.append(el('h3', { class: 'card-title' }, 'Anomalies'), this.anomalyList);
    const card = (title: string, ...children: HTMLElement[]): HTMLElement =>
      el('section', { class: 'card' }, el('h3', { class: 'card-title' }, title), ...children);
    this.content = el(
      'div',
      { class: 'overview' },
      this.counts,
      card('Hosts', this.tiles),
      el(
        'div',
        { class: 'overview-columns' },
        card('Top containers by CPU', this.topCpu),
        card('Top containers by memory', this.topMemory),
      ),
      el(
        'section',
        { class: 'card histogram-card' },
        el('h3', { class: 'card-title' }, 'Log volume by severity'),
        this.histogram.element,
      ),
      el(
        'div',
        { class: 'overview-columns' },
        card('Recent events', this.events, el('a', { href: '#/events', class: 'more-link' }, 'All events →')),
        this.anomalyCard,
      ),
    );
    this.root.append(
      el('div', { class: 'page-header' }, el('h2', { class: 'page-title' }, 'Overview'), this.picker.element),
      this.empty,
      this.content,
    );
    this.poller = poll(() => this.refresh(), REFRESH_MS);
  }

  show(params: Params): void {
    this.range = pageRange(params);
    this.picker.set(this.range);
    this.poller.now();
  }

  hide(): void {
    this.poller.stop();
  }

  private async refresh(): Promise<void> {
    if (!requireToken(() => this.poller.now())) {
      this.poller.stop();
      return;
    }
    try {
      const data = await overview(this.api, this.range, TOP, RECENT_EVENTS);
      clearError();
      const empty = data.hosts.length === 0;
      this.empty.hidden = !empty;
      this.content.hidden = empty;
      if (empty) renderEmptyStart(this.empty);
      this.renderTiles(data.hosts);
      if (this.firstRender) performance.mark('overview-tiles');
      this.renderCounts(data.counts);
      this.renderTop(data.top_containers);
      this.histogram.update(data.log_volume);
      this.events.replaceChildren(...data.events.map(renderEvent));
      if (data.events.length === 0)
        this.events.append(el('li', { class: 'muted empty-row' }, 'No events in this range.'));
      this.renderAnomalies(data.anomalies);
      if (this.firstRender) {
        this.firstRender = false;
        performance.mark('overview-rendered');
      }
      this.root.dataset.ready = 'true';
    } catch (error) {
      if (reportError(error, () => this.poller.now())) this.poller.stop();
    }
  }

  private renderCounts(counts: Overview['counts']): void {
    const count = (label: string, value: string, href: string, testId: string, bad = false): HTMLElement =>
      el(
        'a',
        { class: `count${bad ? ' bad' : ''}`, href, 'data-testid': testId },
        el('strong', {}, value),
        el('span', {}, label),
      );
    this.counts.replaceChildren(
      count(
        'hosts up',
        `${counts.hosts_up} / ${counts.hosts}`,
        '#/hosts',
        'count-hosts',
        counts.hosts_up < counts.hosts,
      ),
      count('containers running', String(counts.containers_running), '#/containers', 'count-running'),
      count(
        'containers stopped',
        String(counts.containers_stopped),
        '#/containers?state=stopped',
        'count-stopped',
      ),
      count(
        'alerts firing',
        String(counts.alerts_firing),
        '#/alerts',
        'count-alerts',
        counts.alerts_firing > 0,
      ),
    );
  }

  private renderTiles(hosts: OverviewHost[]): void {
    const now = Date.now();
    this.tiles.replaceChildren(
      ...hosts.map((host) => {
        const { health, reasons } = hostHealth({
          up: host.status === 'up',
          figures: {
            ...(host.cpu_percent === null ? {} : { cpu: host.cpu_percent }),
            ...(host.memory_used_ratio === null ? {} : { memory: host.memory_used_ratio }),
            ...(host.disk_used_ratio === null ? {} : { disk: host.disk_used_ratio }),
          },
          alerts: host.alerts_firing.map((a) => a.severity),
        });
        const pct = (v: number | null): string => (v === null ? '–' : `${Math.round(v * 100)}%`);
        const bar = (label: string, v: number | null): HTMLElement =>
          el('span', { class: 'tile-metric' }, el('span', { class: 'muted' }, label), ` ${pct(v)}`);
        const firing = host.alerts_firing.length;
        return el(
          'li',
          {},
          el(
            'a',
            {
              class: `host-tile health-${health}`,
              href: formatRoute({ page: 'hosts', params: { host: host.host } }),
              'data-testid': 'host-tile',
              'data-host': host.host,
              'data-health': health,
              title: reasons.length > 0 ? reasons.join(', ') : 'healthy',
            },
            el('span', { class: 'tile-name' }, host.host),
            el(
              'span',
              { class: 'tile-metrics' },
              bar('CPU', host.cpu_percent === null ? null : host.cpu_percent / 100),
              bar('mem', host.memory_used_ratio),
              bar('disk', host.disk_used_ratio),
            ),
            el(
              'span',
              { class: 'tile-foot' },
              firing > 0 ? el('span', { class: 'tile-alerts' }, `${firing} firing`) : undefined,
              el('span', { class: 'muted' }, formatAgo(host.last_seen, now)),
            ),
          ),
        );
      }),
    );
  }

  private renderTop(top: Overview['top_containers']): void {
    const list = (target: HTMLElement, rows: TopContainer[], text: (c: TopContainer) => string): void => {
      target.replaceChildren(
        ...rows.map((c) =>
          el(
            'li',
            {},
            el(
              'a',
              {
                href: formatRoute({ page: 'containers', params: { host: c.host, name: c.name } }),
                class: 'top-row',
              },
              el('span', { class: 'top-name' }, c.name),
              el('span', { class: 'muted' }, c.host),
              el('strong', {}, text(c)),
            ),
          ),
        ),
      );
      if (rows.length === 0)
        target.append(el('li', { class: 'muted empty-row' }, 'No running container reports metrics yet.'));
    };
    list(this.topCpu, top.cpu, (c) => `${formatDecimal(c.cpu_percent ?? 0)} %`);
    list(this.topMemory, top.memory, (c) =>
      c.memory_limit_bytes
        ? `${formatBytes(c.memory_bytes ?? 0)} / ${formatBytes(c.memory_limit_bytes)}`
        : formatBytes(c.memory_bytes ?? 0),
    );
  }

  private renderAnomalies(found: Anomaly[]): void {
    const now = Date.now();
    this.anomalyList.replaceChildren(
      ...found
        .slice(0, RECENT_EVENTS)
        .map((a) =>
          el(
            'li',
            { class: 'event-row' },
            el('time', { class: 'log-time' }, formatLogTime(a.start, now)),
            el('span', { class: 'event-action bad' }, a.metric),
            el(
              'span',
              { class: 'event-body' },
              [a.host, a.container, `${formatDecimal(a.value)} vs ${formatDecimal(a.baseline)} expected`]
                .filter(Boolean)
                .join(' · '),
            ),
          ),
        ),
    );
    if (found.length === 0)
      this.anomalyList.append(el('li', { class: 'muted empty-row' }, 'No anomalies in this range.'));
  }
}

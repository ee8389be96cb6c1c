/**
 * The Overview, the default page: every host as a tile coloured by its health, the counts that
 * matter, the busiest containers, log volume by severity, and what just happened (events,
 * anomalies). Reads only existing endpoints, each once per refresh, with latest-value queries
 * of one point per series, so it stays quick with hundreds of containers.
 */
import { alerts, anomalies, type Alert, type Anomaly } from './alert-api.ts';
import type { Api, Host } from './api.ts';
import { byId, clearError, el } from './dom.ts';
import { renderEvent } from './events-page.ts';
import {
  containerFigures,
  containerKey,
  hostFigures,
  hostHealth,
  isRunning,
  listContainers,
  mergeInventory,
  type ContainerFigures,
  type ContainerInfo,
  type HostFigures,
} from './fleet.ts';
import { formatAgo, formatBytes, formatDecimal } from './format.ts';
import { logHistogram, searchEvents } from './log-api.ts';
import { LogHistogram } from './log-histogram.ts';
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
    this.anomalyCard.hidden = true;
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
    const range = this.range;
    try {
      // Requests go out in this order and the browser runs six at a time: what the host tiles
      // need first, so they are drawn while the container figures are still on their way.
      const tilesData = Promise.all([this.api.hosts(), alerts(this.api, 'firing'), hostFigures(this.api)]);
      const rest = Promise.all([
        listContainers(this.api),
        containerFigures(this.api, true),
        logHistogram(this.api, { q: '', ...range }),
        searchEvents(this.api, { q: '', ...range }),
        anomalies(this.api, range.from, range.to),
      ]);
      rest.catch(() => undefined); // reported below, once the tiles are drawn
      const [hosts, firing, hostData] = await tilesData;
      clearError();
      this.empty.hidden = hosts.length > 0;
      this.content.hidden = hosts.length === 0;
      if (hosts.length === 0) renderEmptyStart(this.empty);
      this.renderTiles(hosts, hostData, firing);
      if (this.firstRender) performance.mark('overview-tiles');

      const [inventory, containerData, histogram, events, found] = await rest;
      const containers = mergeInventory(inventory, containerData);
      this.renderCounts(hosts, containers, containerData, firing);
      this.renderTop(containers, containerData);
      this.histogram.update(histogram);
      this.events.replaceChildren(...events.events.slice(0, RECENT_EVENTS).map(renderEvent));
      if (events.events.length === 0)
        this.events.append(el('li', { class: 'muted empty-row' }, 'No events in this range.'));
      this.renderAnomalies(found);
      if (this.firstRender) {
        this.firstRender = false;
        performance.mark('overview-rendered');
      }
      this.root.dataset.ready = 'true';
    } catch (error) {
      if (reportError(error, () => this.poller.now())) this.poller.stop();
    }
  }

  private renderCounts(
    hosts: Host[],
    containers: ContainerInfo[],
    figures: Map<string, ContainerFigures>,
    firing: Alert[],
  ): void {
    const up = hosts.filter((h) => h.status === 'up').length;
    const running = containers.filter((c) => isRunning(c, figures.get(containerKey(c.host, c.name)))).length;
    const count = (label: string, value: string, href: string, testId: string, bad = false): HTMLElement =>
      el(
        'a',
        { class: `count${bad ? ' bad' : ''}`, href, 'data-testid': testId },
        el('strong', {}, value),
        el('span', {}, label),
      );
    this.counts.replaceChildren(
      count('hosts up', `${up} / ${hosts.length}`, '#/hosts', 'count-hosts', up < hosts.length),
      count('containers running', String(running), '#/containers', 'count-running'),
      count(
        'containers stopped',
        String(containers.length - running),
        '#/containers?state=stopped',
        'count-stopped',
      ),
      count('alerts firing', String(firing.length), '#/alerts', 'count-alerts', firing.length > 0),
    );
  }

  private renderTiles(hosts: Host[], figures: Map<string, HostFigures>, firing: Alert[]): void {
    const now = Date.now();
    this.tiles.replaceChildren(
      ...hosts.map((host) => {
        const f = figures.get(host.host);
        const own = firing.filter((a) => a.labels.host === host.host);
        const { health, reasons } = hostHealth({
          up: host.status === 'up',
          figures: f,
          alerts: own.map((a) => a.labels.severity ?? 'warning'),
        });
        const pct = (v: number | undefined): string => (v === undefined ? '–' : `${Math.round(v * 100)}%`);
        const bar = (label: string, v: number | undefined): HTMLElement =>
          el('span', { class: 'tile-metric' }, el('span', { class: 'muted' }, label), ` ${pct(v)}`);
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
              bar('CPU', f?.cpu === undefined ? undefined : f.cpu / 100),
              bar('mem', f?.memory),
              bar('disk', f?.disk),
            ),
            el(
              'span',
              { class: 'tile-foot' },
              own.length > 0 ? el('span', { class: 'tile-alerts' }, `${own.length} firing`) : undefined,
              el('span', { class: 'muted' }, formatAgo(host.last_seen, now)),
            ),
          ),
        );
      }),
    );
  }

  private renderTop(containers: ContainerInfo[], figures: Map<string, ContainerFigures>): void {
    const rows = containers
      .map((c) => ({ c, f: figures.get(containerKey(c.host, c.name)) }))
      .filter(({ c, f }) => isRunning(c, f));
    const list = (
      target: HTMLElement,
      value: (f: ContainerFigures) => number | undefined,
      text: (f: ContainerFigures) => string,
    ): void => {
      const top = rows
        .filter(({ f }) => f && value(f) !== undefined)
        .sort((a, b) => value(b.f!)! - value(a.f!)!)
        .slice(0, TOP);
      target.replaceChildren(
        ...top.map(({ c, f }) =>
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
              el('strong', {}, text(f!)),
            ),
          ),
        ),
      );
      if (top.length === 0)
        target.append(el('li', { class: 'muted empty-row' }, 'No running container reports metrics yet.'));
    };
    list(
      this.topCpu,
      (f) => f.cpu,
      (f) => `${formatDecimal(f.cpu ?? 0)} %`,
    );
    list(
      this.topMemory,
      (f) => f.memory,
      (f) =>
        f.limit ? `${formatBytes(f.memory ?? 0)} / ${formatBytes(f.limit)}` : formatBytes(f.memory ?? 0),
    );
  }

  private renderAnomalies(found: Anomaly[] | undefined): void {
    this.anomalyCard.hidden = found === undefined;
    if (!found) return;
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

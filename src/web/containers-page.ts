/**
 * Containers: the list (`#/containers?q=api&state=stopped`) and one container's page
 * (`#/containers?host=web-1&name=api&from=now-1h&to=now`): memory against its limit, CPU, network
 * and block I/O with its Docker events as markers, and its logs over the same range underneath.
 */
import type { Api } from './api.ts';
import { containerCharts } from './container-charts.ts';
import { filterContainers, renderContainerTable } from './container-list.ts';
import {
  anomalyMarker,
  eventMarker,
  logsHref,
  minuteLogsHref,
  scopeEventQuery,
  scopeAnomalies,
  scopeEvents,
  type Scope,
} from './correlate.ts';
import { byId, clearError, el } from './dom.ts';
import { containerFigures, containerKey, listContainers, mergeInventory } from './fleet.ts';
import { MetricPanel } from './metric-panel.ts';
import { poll, type Poller } from './poller.ts';
import { RangePicker } from './range-picker.ts';
import { formatRoute, type Page, type Params, type Router } from './router.ts';
import { ScopedLogs } from './scoped-logs.ts';
import { reportError, requireToken } from './sign-in.ts';
import { absoluteRange, pageRange, type TimeRange } from './time-range.ts';

const REFRESH_MS = 10_000;

export class ContainersPage implements Page {
  private readonly list = el('div', { class: 'container-list' });
  private readonly filterInput = el('input', {
    type: 'search',
    class: 'query-input',
    placeholder: 'Filter by name, image or host',
    'aria-label': 'Filter containers',
    'data-testid': 'container-filter',
  });
  private readonly stateSelect = el(
    'select',
    { 'aria-label': 'State' },
    el('option', { value: '' }, 'all'),
    el('option', { value: 'running' }, 'running'),
    el('option', { value: 'stopped' }, 'stopped'),
  );
  private readonly table = el('div', { class: 'card table-card' });
  private readonly detail = el('div', { class: 'container-detail', 'data-testid': 'container-detail' });
  private readonly title = el('h2', { class: 'host-title', 'data-testid': 'container-title' });
  private readonly meta = el('p', { class: 'host-meta' });
  private readonly links = el('div', { class: 'detail-actions' });
  private readonly picker: RangePicker;
  private readonly panel: MetricPanel;
  private readonly logs: ScopedLogs;
  private readonly poller: Poller;
  private params: Params = {};
  private scope: Required<Scope> | undefined;
  private range: TimeRange = { from: 'now-1h', to: 'now' };

  constructor(
    private readonly api: Api,
    private readonly router: Router,
  ) {
    const go = (hash: string): void => {
      window.location.hash = hash;
    };
    this.picker = new RangePicker((range) => this.router.update({ ...range }));
    this.panel = new MetricPanel(api, {
      onBrush: (from, to) => this.router.update({ ...absoluteRange(from, to) }),
      onPick: (ts) => this.scope && go(minuteLogsHref(this.scope, ts)),
    });
    this.logs = new ScopedLogs(api, go);
    this.filterInput.addEventListener('input', () => this.router.update({ q: this.filterInput.value }, true));
    this.stateSelect.addEventListener('change', () => this.router.update({ state: this.stateSelect.value }));
    this.list.append(
      el('div', { class: 'page-header' }, el('h2', { class: 'page-title' }, 'Containers')),
      el('div', { class: 'toolbar-row' }, this.filterInput, this.stateSelect),
      this.table,
    );
    this.detail.append(
      el(
        'div',
        { class: 'page-header' },
        el(
          'div',
          {},
          el('a', { href: '#/containers', class: 'back-link' }, '← Containers'),
          this.title,
          this.meta,
        ),
        this.picker.element,
      ),
      this.links,
      this.panel.element,
      this.logs.element,
    );
    byId('page-containers').append(this.list, this.detail);
    this.poller = poll(() => this.refresh(), REFRESH_MS);
  }

  show(params: Params): void {
    this.params = params;
    const detail = params.name !== undefined && params.host !== undefined;
    this.list.hidden = detail;
    this.detail.hidden = !detail;
    if (detail) {
      this.scope = { host: params.host!, container: params.name! };
      this.range = pageRange(params);
      this.picker.set(this.range);
      this.panel.setSpecs(containerCharts(this.scope));
    } else {
      this.scope = undefined;
      if (document.activeElement !== this.filterInput) this.filterInput.value = params.q ?? '';
      this.stateSelect.value = params.state ?? '';
    }
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
      if (this.scope) await this.loadDetail(this.scope, this.range);
      else await this.loadList();
      clearError();
    } catch (error) {
      if (reportError(error, () => this.poller.now())) this.poller.stop();
    }
  }

  private async loadList(): Promise<void> {
    const [inventory, figures] = await Promise.all([listContainers(this.api), containerFigures(this.api)]);
    const containers = mergeInventory(inventory, figures);
    const shown = filterContainers(containers, figures, {
      text: this.params.q ?? '',
      state: this.params.state ?? '',
    });
    if (containers.length === 0) {
      this.table.replaceChildren(
        el(
          'div',
          { class: 'empty-state', 'data-testid': 'containers-empty' },
          el('h2', {}, 'No containers yet'),
          el(
            'p',
            {},
            'An agent on a Docker host reports its containers by itself (it reads /var/run/docker.sock). Run one on each node:',
          ),
          el('pre', {}, el('code', {}, `birdseye agent --server ${window.location.origin} --token TOKEN`)),
        ),
      );
      return;
    }
    this.table.replaceChildren(
      el('div', { class: 'results-summary' }, `${shown.length} of ${containers.length} containers`),
      renderContainerTable(shown, figures),
    );
  }

  private async loadDetail(scope: Required<Scope>, range: TimeRange): Promise<void> {
    const [containers, figures, events, found] = await Promise.all([
      listContainers(this.api),
      containerFigures(this.api),
      scopeEvents(this.api, scope, range),
      scopeAnomalies(this.api, scope, range),
      this.panel.load(range),
      this.logs.load(scope, range),
    ]);
    const info = containers.find((c) => c.host === scope.host && c.name === scope.container);
    const f = figures.get(containerKey(scope.host, scope.container));
    const exitCode = [...events].reverse().find((e) => e.action === 'die')?.attributes?.exitCode;
    this.title.textContent = scope.container;
    this.meta.textContent = [
      info?.image ?? undefined,
      `on ${scope.host}`,
      info?.state ?? (f?.running === undefined ? undefined : f.running ? 'running' : 'exited'),
      f?.restarts === undefined ? undefined : `${f.restarts} restarts`,
      exitCode === undefined ? undefined : `last exit code ${exitCode}`,
    ]
      .filter((part) => part !== undefined)
      .join(' · ');
    this.links.replaceChildren(
      el(
        'a',
        { class: 'button-link', href: logsHref(scope, range), 'data-testid': 'container-logs-link' },
        'Logs of this container →',
      ),
      el(
        'a',
        {
          class: 'button-link',
          href: formatRoute({ page: 'events', params: { q: scopeEventQuery(scope), ...range } }),
        },
        'Events →',
      ),
      el(
        'a',
        {
          class: 'button-link',
          href: formatRoute({ page: 'hosts', params: { host: scope.host, ...range } }),
        },
        `Host ${scope.host} →`,
      ),
    );
    this.panel.setMarkers([...found.map(anomalyMarker), ...events.map(eventMarker)]);
  }
}

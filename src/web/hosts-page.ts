/**
 * The hosts page: the host list and, for the selected host, its charts, events and logs over the
 * page's range (`#/hosts?host=web-1&from=now-1h&to=now`). Dragging across a chart zooms the whole
 * page to that span.
 */
import { Api, type Host } from './api.ts';
import { byId, clearError } from './dom.ts';
import { HostDetail } from './host-detail.ts';
import { renderHostList } from './host-list.ts';
import { poll, type Poller } from './poller.ts';
import { RangePicker } from './range-picker.ts';
import type { Page, Params, Router } from './router.ts';
import { reportError, requireToken } from './sign-in.ts';
import { absoluteRange, pageRange, type TimeRange } from './time-range.ts';

const REFRESH_MS = 5000;

export class HostsPage implements Page {
  private hosts: Host[] = [];
  /** From the URL; undefined means the first host. */
  private wanted: string | undefined;
  private selected: string | undefined;
  private range: TimeRange = { from: 'now-1h', to: 'now' };
  private readonly detail: HostDetail;
  private readonly picker: RangePicker;
  private readonly poller: Poller;

  constructor(
    private readonly api: Api,
    private readonly router: Router,
  ) {
    const zoom = (from: number, to: number): void =>
      this.router.update({ ...absoluteRange(from, to), range: '' });
    this.detail = new HostDetail(api, { onBrush: zoom }, (hash) => (window.location.hash = hash));
    this.picker = new RangePicker((range) => this.router.update({ ...range, range: '' }));
    byId('ranges').replaceChildren(this.picker.element);
    this.poller = poll(() => this.refresh(), REFRESH_MS);
  }

  show(params: Params): void {
    this.wanted = params.host;
    this.range = pageRange(params);
    this.picker.set(this.range);
    const host = this.wanted ?? this.selected;
    if (host) this.detail.linkLogs(host, this.range);
    this.poller.now();
  }

  hide(): void {
    this.poller.stop();
  }

  private renderHosts(): void {
    renderHostList(byId('host-list'), this.hosts, this.selected, (host) => this.router.update({ host }));
  }

  private async refresh(): Promise<void> {
    if (!requireToken(() => this.poller.now())) {
      this.poller.stop();
      return;
    }
    try {
      this.hosts = await this.api.hosts();
      const wanted = this.hosts.find((h) => h.host === this.wanted);
      this.selected = (wanted ?? this.hosts[0])?.host;
      this.renderHosts();
      const host = this.hosts.find((h) => h.host === this.selected);
      if (host) await this.detail.load(host, this.range);
      else this.detail.showWaiting(true);
      clearError();
    } catch (error) {
      if (reportError(error, () => this.poller.now())) this.poller.stop();
    }
  }
}

/** The hosts page: the host list and, for the selected host, CPU and memory over time. */
import { Api, type Host } from './api.ts';
import { byId, clearError, el } from './dom.ts';
import { HostDetail } from './host-detail.ts';
import { renderHostList } from './host-list.ts';
import { poll, type Poller } from './poller.ts';
import type { Page, Params, Router } from './router.ts';
import { reportError, requireToken } from './sign-in.ts';

const REFRESH_MS = 5000;
const RANGES = ['15m', '1h', '6h', '24h'] as const;

export class HostsPage implements Page {
  private hosts: Host[] = [];
  /** From the URL; undefined means the first host. */
  private wanted: string | undefined;
  private selected: string | undefined;
  private range: string = RANGES[0];
  private readonly detail: HostDetail;
  private readonly poller: Poller;

  constructor(
    private readonly api: Api,
    private readonly router: Router,
  ) {
    this.detail = new HostDetail(api);
    this.poller = poll(() => this.refresh(), REFRESH_MS);
  }

  show(params: Params): void {
    this.wanted = params.host;
    this.range = RANGES.find((r) => r === params.range) ?? RANGES[0];
    this.renderRanges();
    const host = this.wanted ?? this.selected;
    if (host) this.detail.linkLogs(host, this.range);
    this.poller.now();
  }

  hide(): void {
    this.poller.stop();
  }

  private renderRanges(): void {
    byId('ranges').replaceChildren(
      ...RANGES.map((range) => {
        const button = el('button', { type: 'button', 'aria-pressed': String(range === this.range) }, range);
        button.addEventListener('click', () => this.router.update({ range }));
        return button;
      }),
    );
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

/**
 * The Logs page. Its state is the URL's `q`, `from`, `to` and `live`; every control writes the URL
 * and `show` reads it back, so a shared link or a reload shows the same search.
 */
import type { Api } from './api.ts';
import { byId, clearError, el } from './dom.ts';
import { renderFacets } from './facets.ts';
import { queryTerms } from './highlight.ts';
import { LiveTail } from './live-tail.ts';
import { addClause, logHistogram, searchLogs, type LogQuery, type LogRecord } from './log-api.ts';
import { LogHistogram } from './log-histogram.ts';
import { LogList } from './log-list.ts';
import { QueryBar } from './query-bar.ts';
import { RangePicker } from './range-picker.ts';
import type { Page, Params, Router } from './router.ts';
import { reportError } from './sign-in.ts';
import { absoluteRange, rangeOf } from './time-range.ts';

export class LogsPage implements Page {
  private readonly queryBar: QueryBar;
  private readonly picker: RangePicker;
  private readonly histogram: LogHistogram;
  private readonly list: LogList;
  private readonly tail: LiveTail;
  private readonly facets = el('aside', { class: 'facets', 'data-testid': 'facets' });
  private readonly summary = el('div', { class: 'results-summary', 'data-testid': 'results-summary' });
  private readonly more = el(
    'button',
    { type: 'button', class: 'load-more', 'data-testid': 'load-more' },
    'Load more',
  );
  private readonly empty = el('div', { class: 'empty-state', 'data-testid': 'logs-empty' });
  private readonly liveButton = el(
    'button',
    { type: 'button', 'data-testid': 'live-toggle', 'aria-pressed': 'false' },
    'Live',
  );
  private readonly pauseButton = el('button', { type: 'button', 'data-testid': 'live-pause' }, 'Pause');
  private readonly liveStatus = el('span', { class: 'live-status', 'data-testid': 'live-status' });
  private query: LogQuery = { q: '', from: 'now-1h', to: 'now' };
  private shownKey = '';
  private records: LogRecord[] = [];
  /** Lines in the range, from the histogram, plus those the live tail added. */
  private total = 0;
  private cursor: string | null = null;
  /** Answers to an older search are ignored when they arrive after a newer one started. */
  private generation = 0;
  private loadingMore = false;

  constructor(
    private readonly api: Api,
    private readonly router: Router,
  ) {
    const root = byId('page-logs');
    this.queryBar = new QueryBar(
      'birdseye.logs.history',
      'host:web-1 AND severity:<=warning AND "timed out"',
      (q) => this.router.update({ q }),
    );
    this.picker = new RangePicker((range) => this.router.update({ ...range }));
    this.histogram = new LogHistogram((from, to) =>
      this.router.update({ ...absoluteRange(from, to), live: '' }),
    );
    const filter = (field: string, value: string): void =>
      this.router.update({ q: addClause(this.query.q, field, value) });
    this.list = new LogList(api, filter);
    this.tail = new LiveTail(api, {
      onRecords: (records) => this.received(records),
      onStatus: ({ connected, held, dropped }) => {
        this.liveStatus.textContent =
          (connected ? (held > 0 ? `${held} new lines held` : 'streaming') : 'connecting…') +
          (dropped > 0 ? ` · ${dropped} dropped` : '');
        this.pauseButton.textContent = held > 0 || this.pauseButton.dataset.paused ? 'Resume' : 'Pause';
      },
      onError: (error) => {
        if (!this.queryBar.showError(error, this.query.q))
          reportError(error, () => this.show(this.router.route().params));
        this.router.update({ live: '' }, true);
      },
    });
    this.liveButton.addEventListener('click', () =>
      this.router.update({ live: this.tail.running ? '' : '1' }),
    );
    this.pauseButton.addEventListener('click', () => this.togglePause());
    this.more.addEventListener('click', () => void this.loadMore());
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !this.more.hidden) void this.loadMore();
    }).observe(this.more);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !root.hidden && this.list.close()) event.preventDefault();
    });

    const live = el('div', { class: 'live-controls' }, this.liveButton, this.pauseButton, this.liveStatus);
    root.append(
      el(
        'div',
        { class: 'toolbar' },
        this.queryBar.element,
        el('div', { class: 'toolbar-row' }, this.picker.element, live),
      ),
      el('div', { class: 'card histogram-card' }, this.histogram.element),
      el(
        'div',
        { class: 'logs-layout' },
        this.facets,
        el('div', { class: 'results card' }, this.summary, this.list.element, this.empty, this.more),
      ),
    );
    this.empty.append(
      el('h2', {}, 'No log lines match'),
      el('p', {}, 'Widen the time range or the query. To send lines, point anything at the gateway:'),
      el('pre', {}, el('code', {}, `journalctl -o json -n 100 | nc ${window.location.hostname} 9000`)),
    );
    this.empty.hidden = true;
    this.more.hidden = true;
  }

  show(params: Params): void {
    const range = rangeOf(params);
    this.query = { q: params.q ?? '', from: range.from, to: range.to };
    this.queryBar.set(this.query.q);
    this.picker.set(range);
    const key = JSON.stringify(this.query);
    if (key !== this.shownKey) {
      this.shownKey = key;
      this.tail.stop();
      void this.search();
    }
    const live = params.live === '1';
    this.liveButton.setAttribute('aria-pressed', String(live));
    this.pauseButton.hidden = !live;
    this.liveStatus.hidden = !live;
    if (live && !this.tail.running) {
      delete this.pauseButton.dataset.paused;
      this.tail.start(this.query.q);
    } else if (!live && this.tail.running) this.tail.stop();
  }

  hide(): void {
    this.tail.stop();
    this.shownKey = '';
  }

  private async search(): Promise<void> {
    const generation = ++this.generation;
    const query = this.query;
    this.queryBar.clearError();
    this.summary.textContent = 'Searching…';
    try {
      const [page, histogram] = await Promise.all([
        searchLogs(this.api, query),
        logHistogram(this.api, query),
      ]);
      if (generation !== this.generation) return;
      clearError();
      this.records = page.records;
      this.cursor = page.next_cursor;
      this.histogram.update(histogram);
      this.list.set(page.records, queryTerms(query.q));
      this.total = histogram.buckets.reduce((sum, b) => sum + b.total, 0);
      this.rendered();
    } catch (error) {
      if (generation !== this.generation) return;
      this.records = [];
      this.cursor = null;
      this.list.set([], queryTerms(''));
      this.rendered();
      if (this.queryBar.showError(error, query.q)) this.summary.textContent = 'The query has an error.';
      else reportError(error, () => void this.search());
    }
  }

  private async loadMore(): Promise<void> {
    if (this.loadingMore || this.cursor === null) return;
    this.loadingMore = true;
    const generation = this.generation;
    try {
      const page = await searchLogs(this.api, this.query, this.cursor);
      if (generation !== this.generation) return;
      this.records.push(...page.records);
      this.cursor = page.next_cursor;
      this.list.append(page.records);
      this.rendered();
    } catch (error) {
      reportError(error, () => void this.loadMore());
    } finally {
      this.loadingMore = false;
    }
  }

  private received(records: LogRecord[]): void {
    this.records = [...[...records].reverse(), ...this.records].slice(0, 2000);
    this.total += records.length;
    this.list.prepend(records);
    this.rendered();
  }

  private togglePause(): void {
    if (this.pauseButton.dataset.paused) {
      delete this.pauseButton.dataset.paused;
      this.tail.resume();
    } else {
      this.pauseButton.dataset.paused = 'true';
      this.tail.pause();
    }
  }

  private rendered(): void {
    const shown = this.list.size;
    this.summary.textContent = `${this.total.toLocaleString()} lines in range · showing ${shown.toLocaleString()}`;
    this.summary.dataset.shown = String(shown);
    this.empty.hidden = shown > 0;
    this.more.hidden = this.cursor === null;
    renderFacets(this.facets, this.records.slice(0, 1000), (field, value) =>
      this.router.update({ q: addClause(this.query.q, field, value) }),
    );
  }
}

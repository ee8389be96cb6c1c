/**
 * The Events page: Docker and host events newest first, grouped by day, with a filter query and
 * the time range in the URL (`#/events?q=action:die&from=now-24h&to=now`).
 */
import type { Api } from './api.ts';
import { byId, clearError, el } from './dom.ts';
import { searchEvents, type ClusterEvent, type LogQuery } from './log-api.ts';
import { QueryBar } from './query-bar.ts';
import { RangePicker } from './range-picker.ts';
import type { Page, Params, Router } from './router.ts';
import { reportError } from './sign-in.ts';
import { formatLogTime, rangeOf } from './time-range.ts';

/** Actions that mean something went wrong, drawn in red. */
const BAD_ACTIONS = new Set(['die', 'oom', 'kill', 'health_status: unhealthy', 'destroy']);

export function renderEvent(event: ClusterEvent): HTMLElement {
  const actor = event.actor?.name ?? event.actor?.id?.slice(0, 12);
  const attributes = Object.entries(event.attributes ?? {}).filter(
    ([key]) => key !== 'name' && key !== 'image',
  );
  return el(
    'li',
    { class: 'event-row', 'data-testid': 'event-row', 'data-id': event.id },
    el(
      'time',
      { class: 'log-time', datetime: new Date(event.ts).toISOString() },
      formatLogTime(event.ts, Date.now()),
    ),
    el(
      'span',
      { class: `event-action${BAD_ACTIONS.has(event.action) ? ' bad' : ''}` },
      `${event.kind} ${event.action}`,
    ),
    el(
      'div',
      { class: 'event-body' },
      el(
        'div',
        { class: 'event-title' },
        actor ? el('strong', {}, actor) : undefined,
        event.actor?.image ? el('span', { class: 'muted' }, ` ${event.actor.image}`) : undefined,
        el('span', { class: 'muted' }, ` on ${event.host}`),
      ),
      event.message ? el('div', { class: 'event-message' }, event.message) : undefined,
      attributes.length > 0
        ? el('div', { class: 'event-attributes' }, ...attributes.map(([k, v]) => el('code', {}, `${k}=${v}`)))
        : undefined,
    ),
  );
}

export class EventsPage implements Page {
  private readonly queryBar: QueryBar;
  private readonly picker: RangePicker;
  private readonly list = el('ol', { class: 'event-list', 'data-testid': 'event-list' });
  private readonly summary = el('div', { class: 'results-summary', 'data-testid': 'events-summary' });
  private readonly more = el('button', { type: 'button', class: 'load-more' }, 'Load more');
  private readonly empty = el('div', { class: 'empty-state', 'data-testid': 'events-empty' });
  private query: LogQuery = { q: '', from: 'now-24h', to: 'now' };
  private shownKey = '';
  private cursor: string | null = null;
  private generation = 0;

  constructor(
    private readonly api: Api,
    private readonly router: Router,
  ) {
    this.queryBar = new QueryBar('birdseye.events.history', 'kind:container AND action:(die OR oom)', (q) =>
      this.router.update({ q }),
    );
    this.picker = new RangePicker((range) => this.router.update({ ...range }));
    this.more.addEventListener('click', () => void this.load(true));
    this.empty.append(
      el('h2', {}, 'No events in this range'),
      el(
        'p',
        {},
        'Agents report Docker events (start, die, oom, …) as they happen; widen the range or the filter.',
      ),
    );
    byId('page-events').append(
      el(
        'div',
        { class: 'toolbar' },
        this.queryBar.element,
        el('div', { class: 'toolbar-row' }, this.picker.element),
      ),
      el('div', { class: 'results card' }, this.summary, this.list, this.empty, this.more),
    );
  }

  show(params: Params): void {
    const range = rangeOf({ from: 'now-24h', ...params });
    this.query = { q: params.q ?? '', from: range.from, to: range.to };
    this.queryBar.set(this.query.q);
    this.picker.set(range);
    const key = JSON.stringify(this.query);
    if (key === this.shownKey) return;
    this.shownKey = key;
    void this.load(false);
  }

  hide(): void {
    this.shownKey = '';
  }

  private async load(more: boolean): Promise<void> {
    const generation = more ? this.generation : ++this.generation;
    if (!more) this.queryBar.clearError();
    try {
      const page = await searchEvents(this.api, this.query, more ? (this.cursor ?? undefined) : undefined);
      if (generation !== this.generation) return;
      clearError();
      if (more) this.list.append(...page.events.map(renderEvent));
      else this.list.replaceChildren(...page.events.map(renderEvent));
      this.cursor = page.next_cursor;
    } catch (error) {
      if (generation !== this.generation) return;
      if (!more) this.list.replaceChildren();
      if (!this.queryBar.showError(error, this.query.q)) reportError(error, () => void this.load(more));
      this.cursor = null;
    }
    const shown = this.list.children.length;
    this.summary.textContent = `${shown} event${shown === 1 ? '' : 's'}${this.cursor ? ' (more below)' : ''}, newest first`;
    this.empty.hidden = shown > 0;
    this.more.hidden = this.cursor === null;
  }
}

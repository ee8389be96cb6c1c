/** The results: one line per record, newest first; a click opens its fields and context. */
import type { Api } from './api.ts';
import { el } from './dom.ts';
import { highlightPieces, type Terms } from './highlight.ts';
import { severityName, type LogRecord } from './log-api.ts';
import { renderDetail } from './log-detail.ts';
import { formatLogTime } from './time-range.ts';

/** Live tail keeps at most this many lines on the page; older ones fall off the bottom. */
const LIVE_MAX_ROWS = 2000;

/** The service, container or source a record came from, whichever says most. */
export function originOf(record: LogRecord): string {
  return record.container?.name ?? record.service ?? record.source;
}

export function renderLogLine(record: LogRecord, terms: Terms): HTMLElement {
  const severity = severityName(record.severity);
  const message = el('span', { class: 'log-message' });
  for (const piece of highlightPieces(record.message, terms)) {
    message.append(piece.match ? el('mark', {}, piece.text) : piece.text);
  }
  return el(
    'div',
    { class: 'log-line', 'data-id': record.id },
    el(
      'time',
      { class: 'log-time', datetime: new Date(record.ts).toISOString() },
      formatLogTime(record.ts, Date.now()),
    ),
    el('span', { class: `log-severity sev-${severity}`, title: severity }, severity),
    el('span', { class: 'log-host', title: record.host }, record.host),
    el('span', { class: 'log-origin', title: originOf(record) }, originOf(record)),
    message,
  );
}

export class LogList {
  readonly element = el('ol', { class: 'log-list', 'data-testid': 'log-list' });
  private terms: Terms = { words: new Set(), prefixes: [] };
  private open: string | undefined;

  constructor(
    private readonly api: Api,
    private readonly onFilter: (field: string, value: string) => void,
  ) {}

  set(records: LogRecord[], terms: Terms): void {
    this.terms = terms;
    this.open = undefined;
    this.element.replaceChildren(...records.map((r) => this.row(r)));
  }

  append(records: LogRecord[]): void {
    this.element.append(...records.map((r) => this.row(r)));
  }

  /** New lines from the live tail go on top (the list is newest first). */
  prepend(records: LogRecord[]): void {
    const rows = records.map((r) => this.row(r)).reverse();
    this.element.prepend(...rows);
    while (this.element.children.length > LIVE_MAX_ROWS) this.element.lastElementChild?.remove();
  }

  get size(): number {
    return this.element.children.length;
  }

  /** Closes the open record, e.g. on Escape; true when one was open. */
  close(): boolean {
    const row = this.element.querySelector('.log-row.open');
    if (!row) return false;
    row.classList.remove('open');
    row.querySelector('.log-detail')?.remove();
    this.open = undefined;
    return true;
  }

  private row(record: LogRecord): HTMLElement {
    const line = renderLogLine(record, this.terms);
    line.setAttribute('role', 'button');
    line.tabIndex = 0;
    const row = el('li', { class: 'log-row', 'data-testid': 'log-row', 'data-id': record.id }, line);
    const toggle = (): void => {
      const wasOpen = this.open === record.id;
      this.close();
      if (wasOpen) return;
      this.open = record.id;
      row.classList.add('open');
      row.append(renderDetail(this.api, record, this.onFilter, (r) => renderLogLine(r, this.terms)));
    };
    line.addEventListener('click', () => {
      if (window.getSelection()?.toString()) return; // selecting text is not a click
      toggle();
    });
    line.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        toggle();
      }
    });
    return row;
  }
}

/** The logs of one host or container over the page's range, under its charts. */
import type { Api } from './api.ts';
import { el } from './dom.ts';
import { queryTerms } from './highlight.ts';
import { addClause, searchLogs } from './log-api.ts';
import { LogList } from './log-list.ts';
import { formatRoute } from './router.ts';
import { logsHref, scopeLogQuery, type Scope } from './correlate.ts';
import type { TimeRange } from './time-range.ts';

export class ScopedLogs {
  readonly element = el('section', { class: 'card scoped-logs', 'data-testid': 'scoped-logs' });
  private readonly title = el('h3', { class: 'card-title' }, 'Logs');
  private readonly link = el(
    'a',
    { class: 'button-link', 'data-testid': 'scoped-logs-link' },
    'Open in Logs →',
  );
  private readonly summary = el('div', { class: 'results-summary' });
  private readonly list: LogList;
  private scope: Scope = { host: '' };

  constructor(
    private readonly api: Api,
    private readonly go: (hash: string) => void,
  ) {
    this.list = new LogList(api, (field, value) =>
      this.go(
        formatRoute({ page: 'logs', params: { q: addClause(scopeLogQuery(this.scope), field, value) } }),
      ),
    );
    this.element.append(
      el('header', { class: 'card-header' }, this.title, this.link),
      this.summary,
      this.list.element,
    );
  }

  async load(scope: Scope, range: TimeRange): Promise<void> {
    this.scope = scope;
    const query = { q: scopeLogQuery(scope), from: range.from, to: range.to };
    this.link.href = logsHref(scope, range);
    this.title.textContent = scope.container ? `Logs of ${scope.container}` : `Logs of ${scope.host}`;
    const page = await searchLogs(this.api, query);
    this.list.set(page.records, queryTerms(''));
    this.summary.textContent =
      page.records.length === 0
        ? 'No log lines in this range.'
        : `The newest ${page.records.length} lines in this range${page.next_cursor ? '; open in Logs for all' : ''}.`;
  }
}

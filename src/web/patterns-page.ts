/**
 * The Patterns page: the shapes of the log lines in the range, most frequent first, each with a
 * sparkline of its lines over the range, its worst severity, first and last seen, a few example
 * lines, and one click to its lines on the Logs page (`pattern:<id>` in the query). The template
 * filter and the range live in the URL (`#/patterns?q=refused&from=now-24h&to=now`).
 */
import type { Api } from './api.ts';
import { byId, clearError, el } from './dom.ts';
import { formatAgo } from './format.ts';
import { QueryBar } from './query-bar.ts';
import { RangePicker } from './range-picker.ts';
import { formatRoute, type Page, type Params, type Router } from './router.ts';
import { reportError } from './sign-in.ts';
import { formatDateTime, rangeOf, type TimeRange } from './time-range.ts';

export interface Pattern {
  id: string;
  source: string;
  template: string;
  count: number;
  total: number;
  first_seen: number;
  last_seen: number;
  severity: number | null;
  severity_name: string | null;
  examples: string[];
  sparkline: number[];
}

const SVG = 'http://www.w3.org/2000/svg';
const LIMIT = 100;

/** Counts per bucket as a small filled line, scaled to the busiest bucket. */
export function sparkline(counts: readonly number[], width = 120, height = 24): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('aria-hidden', 'true');
  const max = Math.max(1, ...counts);
  const step = counts.length > 1 ? width / (counts.length - 1) : width;
  const points = counts.map(
    (c, i) => `${(i * step).toFixed(1)},${(height - 1 - (c / max) * (height - 2)).toFixed(1)}`,
  );
  if (counts.length === 1) points.push(`${width},${points[0]!.split(',')[1]}`);
  const area = document.createElementNS(SVG, 'polygon');
  area.setAttribute('points', `0,${height} ${points.join(' ')} ${width},${height}`);
  area.setAttribute('class', 'sparkline-area');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.join(' '));
  line.setAttribute('class', 'sparkline-line');
  svg.append(area, line);
  return svg;
}

/** The Logs page showing exactly this pattern's lines over the same range. */
export function logsLink(pattern: Pattern, range: TimeRange): string {
  return formatRoute({
    page: 'logs',
    params: { q: `pattern:${pattern.id}`, from: range.from, to: range.to },
  });
}

function renderPattern(p: Pattern, range: TimeRange, now: number): HTMLElement {
  const severity = p.severity_name ?? 'unknown';
  return el(
    'li',
    { class: 'pattern-row', 'data-testid': 'pattern-row', 'data-id': p.id },
    el('span', { class: 'pattern-count', title: `${p.total} lines in all` }, p.count.toLocaleString('en')),
    el('span', { class: 'pattern-spark' }, sparkline(p.sparkline)),
    el('span', { class: `log-severity sev-${severity}`, 'data-testid': 'pattern-severity' }, severity),
    el(
      'div',
      { class: 'pattern-body' },
      el(
        'a',
        {
          class: 'pattern-template',
          href: logsLink(p, range),
          'data-testid': 'pattern-logs-link',
          title: 'Show these lines on the Logs page',
        },
        p.template === '' ? '(empty line)' : p.template,
      ),
      el(
        'div',
        { class: 'pattern-meta muted' },
        `${p.source} · first seen ${formatAgo(p.first_seen, now)} (${formatDateTime(p.first_seen)}) · last seen ${formatAgo(p.last_seen, now)} · id ${p.id}`,
      ),
      p.examples.length > 0
        ? el(
            'details',
            { class: 'pattern-examples' },
            el('summary', {}, `${p.examples.length} example${p.examples.length === 1 ? '' : 's'}`),
            el(
              'ul',
              {},
              ...p.examples.map((e) => el('li', { 'data-testid': 'pattern-example' }, el('code', {}, e))),
            ),
          )
        : undefined,
    ),
  );
}

export class PatternsPage implements Page {
  private readonly queryBar: QueryBar;
  private readonly picker: RangePicker;
  private readonly list = el('ol', { class: 'pattern-list', 'data-testid': 'pattern-list' });
  private readonly summary = el('div', { class: 'results-summary', 'data-testid': 'patterns-summary' });
  private readonly empty = el('div', { class: 'empty-state', 'data-testid': 'patterns-empty' });
  private range: TimeRange = { from: 'now-1h', to: 'now' };
  private q = '';
  private shownKey = '';
  private generation = 0;

  constructor(
    private readonly api: Api,
    private readonly router: Router,
  ) {
    this.queryBar = new QueryBar('birdseye.patterns.history', 'words of the template, e.g. refused', (q) =>
      this.router.update({ q }),
    );
    this.picker = new RangePicker((range) => this.router.update({ ...range }));
    this.empty.append(
      el('h2', {}, 'No log patterns in this range'),
      el(
        'p',
        {},
        'Every stored log line is mined into a pattern as it arrives; widen the range or the filter.',
      ),
    );
    byId('page-patterns').append(
      el(
        'div',
        { class: 'toolbar' },
        this.queryBar.element,
        el('div', { class: 'toolbar-row' }, this.picker.element),
      ),
      el('div', { class: 'results card' }, this.summary, this.list, this.empty),
    );
  }

  show(params: Params): void {
    this.range = rangeOf(params);
    this.q = params.q ?? '';
    this.queryBar.set(this.q);
    this.picker.set(this.range);
    const key = JSON.stringify([this.range, this.q]);
    if (key === this.shownKey) return;
    this.shownKey = key;
    void this.load();
  }

  hide(): void {
    this.shownKey = '';
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.queryBar.clearError();
    let patterns: Pattern[] = [];
    try {
      const body = await this.api.get<{ patterns: Pattern[] }>('/api/v1/patterns', {
        q: this.q,
        from: this.range.from,
        to: this.range.to,
        limit: String(LIMIT),
      });
      if (generation !== this.generation) return;
      clearError();
      patterns = body.patterns;
    } catch (error) {
      if (generation !== this.generation) return;
      if (!this.queryBar.showError(error, this.q)) reportError(error, () => void this.load());
    }
    const now = Date.now();
    this.list.replaceChildren(...patterns.map((p) => renderPattern(p, this.range, now)));
    const lines = patterns.reduce((sum, p) => sum + p.count, 0);
    this.summary.textContent = `${patterns.length} pattern${patterns.length === 1 ? '' : 's'}${patterns.length === LIMIT ? ' (the most frequent)' : ''}, ${lines.toLocaleString('en')} lines, most frequent first`;
    this.empty.hidden = patterns.length > 0;
  }
}

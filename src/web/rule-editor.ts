/**
 * The rule editor: a rule as the config file writes it (YAML), and a preview of when it would
 * have fired over the last day, computed by the server with the engine's own evaluation
 * (POST /api/v1/alerts/rules/preview). Rules live in the config file (server.alerting.rules), so
 * the editor's result is the YAML to put there; the preview is what makes it safe to.
 */
import { previewRule, type Preview, type Rule } from './alert-api.ts';
import { alertChartsHref, alertLogsHref } from './alert-links.ts';
import { ApiError, type Api } from './api.ts';
import { el } from './dom.ts';
import { formatDecimal } from './format.ts';
import { toColumns } from './series.ts';
import { TimeChart } from './time-chart.ts';
import { formatLogTime } from './time-range.ts';

const EXAMPLE = `# A rule as it goes under server.alerting.rules in the config file.
id: payment-errors
type: log_count
query: '"payment failed" AND severity:<=err'
window_ms: 300000
threshold: 10
severity: warning
summary: '{{value}} payment errors in 5 minutes'
`;

/** Fields the server fills in that an operator need not write. */
const DEFAULTED = ['tenant', 'enabled', 'labels'];

export class RuleEditor {
  readonly element = el('section', { class: 'card rule-editor', 'data-testid': 'rule-editor' });
  private readonly text = el('textarea', {
    class: 'rule-text',
    rows: '12',
    spellcheck: 'false',
    'aria-label': 'Rule definition (YAML)',
    'data-testid': 'rule-text',
  });
  private readonly error = el('div', { class: 'query-error', role: 'alert', 'data-testid': 'rule-error' });
  private readonly summary = el('p', { class: 'results-summary', 'data-testid': 'preview-summary' });
  private readonly firings = el('ol', { class: 'event-list', 'data-testid': 'preview-firings' });
  private readonly chartBody = el('div', { class: 'chart', 'data-testid': 'chart-preview' });
  private readonly chart: TimeChart;
  private rule: Rule | undefined;

  constructor(private readonly api: Api) {
    const run = el(
      'button',
      { type: 'submit', class: 'primary', 'data-testid': 'rule-preview' },
      'Preview last 24 h',
    );
    const form = el(
      'form',
      { class: 'rule-form' },
      this.text,
      el(
        'div',
        { class: 'toolbar-row' },
        el(
          'span',
          { class: 'muted' },
          'Ctrl+Enter previews. Put the result under server.alerting.rules in the config file.',
        ),
        run,
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.preview();
    });
    this.text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.preview();
      }
    });
    const readout = el('div', { class: 'readout' });
    this.element.append(
      el('header', { class: 'card-header' }, el('h3', { class: 'card-title' }, 'Rule editor'), readout),
      form,
      this.error,
      this.summary,
      this.chartBody,
      this.firings,
    );
    this.chart = new TimeChart(this.chartBody, readout, {
      lines: [
        { label: 'firing', stroke: '#dc2626', fill: 'rgba(220, 38, 38, 0.15)' },
        { label: 'pending', stroke: '#f59e0b' },
      ],
      formatValue: (v) => String(Math.round(v)),
      height: 120,
    });
    this.error.hidden = true;
    this.text.value = EXAMPLE;
  }

  /** Loads a rule of the list into the editor, as YAML. */
  async edit(rule: Rule): Promise<void> {
    const { stringify } = await import('yaml');
    const shown = Object.fromEntries(Object.entries(rule).filter(([k]) => !DEFAULTED.includes(k)));
    this.text.value = stringify(shown);
    this.text.focus();
    await this.preview();
  }

  private async preview(): Promise<void> {
    this.error.hidden = true;
    let definition: unknown;
    try {
      const { parse } = await import('yaml');
      definition = parse(this.text.value);
    } catch (error) {
      this.showError(`The YAML does not parse: ${(error as Error).message}`);
      return;
    }
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      this.showError('Write one rule: a mapping with at least type (threshold, log_count, event, absence…).');
      return;
    }
    this.rule = definition as Rule;
    this.summary.textContent = 'Evaluating the rule over the last 24 hours…';
    try {
      this.show(await previewRule(this.api, definition));
    } catch (error) {
      this.summary.textContent = '';
      this.showError(error instanceof ApiError ? error.message : String(error));
    }
  }

  private showError(message: string): void {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  private show(preview: Preview): void {
    const stepMin = formatDecimal(preview.step_ms / 60_000);
    const n = preview.firings.length;
    this.summary.textContent =
      `${n === 0 ? 'Would not have fired' : `Would have fired ${n} time${n === 1 ? '' : 's'}`} in the last 24 h ` +
      `(evaluated every ${stepMin} min).` +
      (preview.errors > 0 ? ` ${preview.errors} evaluations failed: ${preview.first_error}` : '') +
      (preview.note ? ` ${preview.note}` : '');
    this.summary.dataset.firings = String(n);
    const firing = new Map(preview.points.map(([ts, f]) => [ts, f]));
    const pending = new Map(preview.points.map(([ts, , p]) => [ts, p]));
    this.chart.update(toColumns([firing, pending], preview.step_ms), preview.from, preview.to);
    this.firings.replaceChildren(
      ...preview.firings.slice(0, 50).map((f) => {
        const charts = alertChartsHref(f.labels, f.fired_at);
        return el(
          'li',
          { class: 'event-row' },
          el('time', { class: 'log-time' }, formatLogTime(f.fired_at, Date.now())),
          el(
            'span',
            { class: 'muted' },
            f.resolved_at === null
              ? 'still firing'
              : `for ${Math.round((f.resolved_at - f.fired_at) / 60_000)} min`,
          ),
          el(
            'span',
            { class: 'event-body' },
            f.summary,
            ' ',
            el('a', { href: alertLogsHref(f.labels, f.fired_at, this.rule) }, 'logs'),
            charts ? ' · ' : undefined,
            charts ? el('a', { href: charts }, 'charts') : undefined,
          ),
        );
      }),
    );
  }
}

/** Rows of the Alerts page: an alert, a history entry, a silence, a channel. */
import { type Alert, type HistoryEntry, type Rule, type Silence } from './alert-api.ts';
import { alertChartsHref, alertLogsHref, alertStart } from './alert-links.ts';
import { el } from './dom.ts';
import { formatAgo } from './format.ts';
import { formatDateTime } from './time-range.ts';

const HIDDEN_LABELS = new Set(['alertname', 'severity']);

export function renderAlert(
  alert: Alert,
  rule: Rule | undefined,
  onSilence: (alert: Alert) => void,
): HTMLElement {
  const start = alertStart(alert);
  const now = Date.now();
  const charts = alertChartsHref(alert.labels, start);
  const silence = el('button', { type: 'button', 'data-testid': 'alert-silence' }, 'Silence 2 h');
  silence.addEventListener('click', () => onSilence(alert));
  const labels = Object.entries(alert.labels).filter(([k]) => !HIDDEN_LABELS.has(k));
  return el(
    'li',
    {
      class: `alert-row sev-${alert.labels.severity ?? 'warning'}`,
      'data-testid': 'alert-row',
      'data-fingerprint': alert.fingerprint,
      'data-state': alert.state,
    },
    el(
      'div',
      { class: 'alert-head' },
      el('span', { class: `alert-state ${alert.state}` }, alert.state),
      el('strong', {}, alert.labels.alertname ?? alert.rule_id),
      el(
        'span',
        { class: 'muted' },
        ` ${alert.labels.severity ?? ''} · since ${formatDateTime(start)} (${formatAgo(start, now)})`,
      ),
    ),
    el('div', { class: 'alert-summary' }, alert.summary),
    el('div', { class: 'event-attributes' }, ...labels.map(([k, v]) => el('code', {}, `${k}=${v}`))),
    el(
      'div',
      { class: 'detail-actions' },
      el(
        'a',
        { class: 'button-link', href: alertLogsHref(alert.labels, start, rule), 'data-testid': 'alert-logs' },
        'Logs around the start →',
      ),
      charts
        ? el('a', { class: 'button-link', href: charts, 'data-testid': 'alert-charts' }, 'Charts →')
        : undefined,
      alert.state === 'resolved' ? undefined : silence,
    ),
  );
}

export function renderHistory(entry: HistoryEntry): HTMLElement {
  const what =
    entry.kind === 'notification' || entry.kind === 'test'
      ? `${entry.kind} via ${entry.channel ?? '?'}: ${entry.outcome ?? ''}`
      : entry.kind;
  return el(
    'li',
    { class: 'event-row', 'data-testid': 'history-row' },
    el('time', { class: 'log-time' }, formatDateTime(entry.ts)),
    el(
      'span',
      { class: `event-action${entry.kind === 'firing' || entry.outcome === 'failed' ? ' bad' : ''}` },
      what,
    ),
    el(
      'span',
      { class: 'event-body' },
      el('strong', {}, entry.alertname ?? entry.rule_id ?? ''),
      entry.detail ? ` ${entry.detail}` : '',
    ),
  );
}

export function renderSilence(silence: Silence, onExpire: (id: string) => void): HTMLElement {
  const expire = el('button', { type: 'button', 'data-testid': 'silence-expire' }, 'Expire now');
  expire.addEventListener('click', () => onExpire(silence.id));
  return el(
    'li',
    { class: 'event-row', 'data-testid': 'silence-row', 'data-status': silence.status },
    el(
      'span',
      { class: `alert-state ${silence.status === 'active' ? 'firing' : 'resolved'}` },
      silence.status,
    ),
    el(
      'span',
      { class: 'event-body' },
      el('code', {}, silence.matchers.map((m) => `${m.label}${m.op}"${m.value}"`).join(', ')),
      ` until ${formatDateTime(silence.ends_at)}`,
      silence.comment ? el('span', { class: 'muted' }, ` — ${silence.comment}`) : undefined,
    ),
    silence.status === 'expired' ? el('span') : expire,
  );
}

export function renderRule(rule: Rule, onEdit: (rule: Rule) => void): HTMLElement {
  const edit = el('button', { type: 'button', 'data-testid': 'rule-edit' }, 'Edit & preview');
  edit.addEventListener('click', () => onEdit(rule));
  const what =
    typeof rule.query === 'string'
      ? rule.query
      : rule.type === 'absence'
        ? `no report for ${Math.round(Number(rule.after_ms) / 1000)} s`
        : '';
  return el(
    'li',
    { class: 'event-row rule-row', 'data-testid': 'rule-row', 'data-id': rule.id },
    el('strong', {}, rule.name ?? rule.id),
    el('span', { class: 'event-action' }, `${rule.type} · ${rule.severity}`),
    el('span', { class: 'event-body' }, el('code', {}, what)),
    edit,
  );
}

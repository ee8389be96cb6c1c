/** One record opened: every field (each can be added to the query), and the lines around it. */
import type { Api } from './api.ts';
import { el } from './dom.ts';
import { logContext, severityName, type LogRecord } from './log-api.ts';
import { reportError } from './sign-in.ts';
import { formatLogTime } from './time-range.ts';

const CONTEXT_LINES = 10;
/** Fields the query language can filter on exactly (docs/api.md). */
const FILTERABLE = /^(host|source|service|format|container\.(name|image|id)|fields\..+)$/;

/** Every field of a record as [path, text], nested `fields` flattened with dots. */
export function flattenRecord(record: LogRecord): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const visit = (path: string, value: unknown): void => {
    if (value === undefined) return;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) visit(path === '' ? key : `${path}.${key}`, inner);
    } else {
      rows.push([path, typeof value === 'string' ? value : JSON.stringify(value)]);
    }
  };
  const { ts, received_ts, severity, fields, ...rest } = record;
  rows.push(['ts', `${new Date(ts).toISOString()} (${ts})`]);
  if (received_ts !== undefined)
    rows.push(['received_ts', `${new Date(received_ts).toISOString()} (${received_ts})`]);
  if (severity !== undefined) rows.push(['severity', `${severity} (${severityName(severity)})`]);
  visit('', rest);
  // Parsed fields last: they are many, and the common ones above say more.
  if (fields) visit('fields', fields);
  return rows;
}

export function renderDetail(
  api: Api,
  record: LogRecord,
  onFilter: (field: string, value: string) => void,
  renderLine: (record: LogRecord) => HTMLElement,
): HTMLElement {
  const table = el('table', { class: 'fields', 'data-testid': 'record-fields' });
  for (const [path, text] of flattenRecord(record)) {
    const cell = el('td', { class: 'field-value' }, text);
    const row = el('tr', { 'data-field': path }, el('th', {}, path), cell);
    if (FILTERABLE.test(path)) {
      const add = el(
        'button',
        { type: 'button', class: 'link', title: `Add ${path}:"…" to the query` },
        'filter',
      );
      add.addEventListener('click', () => onFilter(path, text));
      row.append(el('td', { class: 'field-action' }, add));
    } else row.append(el('td'));
    table.append(row);
  }

  const context = el('div', { class: 'context', 'data-testid': 'record-context' });
  context.hidden = true;
  const button = el('button', { type: 'button', 'data-testid': 'context-button' }, 'Show context');
  button.addEventListener('click', () => {
    if (!context.hidden) {
      context.hidden = true;
      button.textContent = 'Show context';
      return;
    }
    button.disabled = true;
    logContext(api, record.id, CONTEXT_LINES)
      .then((answer) => {
        context.replaceChildren(
          el(
            'p',
            { class: 'context-note' },
            `${answer.before.length} lines before and ${answer.after.length} after, from the same host, source and container`,
          ),
          ...answer.before.map(renderLine),
          markCurrent(renderLine(answer.record)),
          ...answer.after.map(renderLine),
        );
        context.hidden = false;
        button.textContent = 'Hide context';
      })
      .catch((error: unknown) => reportError(error, () => button.click()))
      .finally(() => (button.disabled = false));
  });

  const copy = el('button', { type: 'button' }, 'Copy JSON');
  copy.addEventListener('click', () => void navigator.clipboard?.writeText(JSON.stringify(record, null, 2)));
  return el(
    'div',
    { class: 'log-detail', 'data-testid': 'log-detail' },
    el(
      'div',
      { class: 'detail-actions' },
      button,
      copy,
      el('span', { class: 'muted' }, formatLogTime(record.ts, Date.now())),
    ),
    context,
    table,
  );
}

function markCurrent(line: HTMLElement): HTMLElement {
  line.classList.add('context-current');
  line.dataset.testid = 'context-current';
  return line;
}

/** Top hosts, services, containers and severities among the loaded results; a click filters. */
import { el } from './dom.ts';
import { severityName, type LogRecord } from './log-api.ts';

const TOP = 5;

interface Facet {
  title: string;
  field: string;
  value: (record: LogRecord) => string | undefined;
}

const FACETS: Facet[] = [
  {
    title: 'Severity',
    field: 'severity',
    value: (r) => (r.severity === undefined ? undefined : severityName(r.severity)),
  },
  { title: 'Host', field: 'host', value: (r) => r.host },
  { title: 'Service', field: 'service', value: (r) => r.service },
  { title: 'Container', field: 'container.name', value: (r) => r.container?.name },
  { title: 'Source', field: 'source', value: (r) => r.source },
];

/** The most frequent values of one field, most frequent first, ties by name. */
export function topValues(
  records: LogRecord[],
  value: (r: LogRecord) => string | undefined,
): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const v = value(record);
    if (v !== undefined && v !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP);
}

export function renderFacets(
  container: HTMLElement,
  records: LogRecord[],
  onFilter: (field: string, value: string) => void,
): void {
  const groups = FACETS.map((facet) => {
    const top = topValues(records, facet.value);
    if (top.length === 0) return undefined;
    return el(
      'section',
      { class: 'facet', 'data-facet': facet.field },
      el('h3', { class: 'section-title' }, facet.title),
      el(
        'ul',
        {},
        ...top.map(([value, count]) => {
          const button = el(
            'button',
            { type: 'button', class: 'facet-value', title: `Add ${facet.field}:"${value}" to the query` },
            el('span', { class: 'facet-name' }, value),
            el('span', { class: 'facet-bar', style: `--share: ${(count / records.length) * 100}%` }),
            el('span', { class: 'facet-count' }, String(count)),
          );
          button.addEventListener('click', () => onFilter(facet.field, value));
          return el('li', {}, button);
        }),
      ),
    );
  });
  container.replaceChildren(
    el('p', { class: 'facet-note' }, `In the ${records.length} lines shown`),
    ...groups.filter((g) => g !== undefined),
  );
}

import type { Bound, LogQuery } from '../../query/log-query.ts';
import { numericBounds, textTokens } from '../../query/log-match.ts';

/**
 * Compiles a log query for one day partition. Two parts:
 * - `fts`: an FTS5 expression every matching row satisfies (a prefilter), or null when none can
 *   be given (`NOT x` alone, `severity:<=3` alone). Search walks this index newest first.
 * - `sql`: the exact condition on a row of `logs_d<N> AS l`; it can be skipped when `exact` says
 *   the FTS expression already is the query (terms, phrases and prefixes on the message).
 * Values only ever reach SQLite as bound parameters; the FTS expression is itself a parameter and
 * contains nothing but quoted tokens (letters and digits) and operators this code writes.
 * `§F§` stands for the partition's FTS table and is replaced per day.
 */
export interface CompiledQuery {
  readonly fts: string | null;
  readonly exact: boolean;
  /** The query matches every row. */
  readonly all: boolean;
  /** The query names severity only, so the per-minute counts (log-counts.ts) can answer it. */
  readonly severityOnly: boolean;
  readonly sql: string;
  readonly params: unknown[];
}

export const FTS_TABLE = '§F§';

/**
 * Parsed fields whose name and value go into the full-text index (its `fields` column): the
 * low-cardinality ones people filter by. Indexing every parsed field (journald cursors, boot ids,
 * pids, trace ids…) cost most of the ingest time for no search anyone makes by full text; a query
 * on another `fields.*` name is answered by the exact comparison on the row, without prefilter.
 */
export const FTS_FIELDS: ReadonlySet<string> = new Set([
  'level',
  'lvl',
  'severity',
  'logger',
  'logger_name',
  'component',
  'module',
  'app',
  'env',
  'method',
  'status',
  'status_code',
  'code',
  'facility',
  'appname',
  'SYSLOG_IDENTIFIER',
  'SYSLOG_FACILITY',
  '_SYSTEMD_UNIT',
  'UNIT',
  '_COMM',
  '_TRANSPORT',
  'CONTAINER_NAME',
  'IMAGE_NAME',
]);

/** The text of a record's `fields` FTS column: `name value` of each indexed field present. */
export function ftsFieldsText(fields: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!fields) return null;
  const parts: string[] = [];
  for (const name of FTS_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null || typeof value === 'object') continue;
    parts.push(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return parts.length === 0 ? null : parts.join(' ');
}

const KEYWORD_COLUMNS: Record<string, { column: string; fts: string | null }> = {
  host: { column: 'l.host', fts: 'host' },
  source: { column: 'l.source', fts: 'source' },
  service: { column: 'l.service', fts: 'service' },
  'container.name': { column: 'l.container_name', fts: 'container' },
  'container.image': { column: 'l.container_image', fts: 'container' },
  'container.id': { column: 'l.container_id', fts: 'container' },
  format: { column: 'l.format', fts: 'format' },
  // Not in the full-text index: an indexed column of its own.
  pattern: { column: 'l.pattern', fts: null },
};

const TRUE: CompiledQuery = { fts: null, exact: true, all: true, severityOnly: true, sql: '1', params: [] };
const FALSE: CompiledQuery = {
  fts: null,
  exact: false,
  all: false,
  severityOnly: true,
  sql: '0',
  params: [],
};
const SEVERITY = 'l.severity';

function ftsPhrase(column: string, text: string, prefix: boolean): string | null {
  const tokens = textTokens(text);
  if (tokens.length === 0) return null;
  return `${column} : "${tokens.join(' ')}"${prefix ? '*' : ''}`;
}

/** A field's value as SQL: a column, or a parsed field through the be_field() function. */
function valueOf(field: string): { sql: string; params: unknown[]; fts: string | null } {
  const keyword = KEYWORD_COLUMNS[field];
  if (keyword) return { sql: keyword.column, params: [], fts: keyword.fts };
  if (field === 'severity') return { sql: SEVERITY, params: [], fts: null };
  if (field === 'message') return { sql: 'l.message', params: [], fts: null };
  const name = field.slice('fields.'.length);
  return { sql: 'be_field(l.rest, ?)', params: [name], fts: FTS_FIELDS.has(name) ? 'fields' : null };
}

function range(field: string, lower?: Bound, upper?: Bound): CompiledQuery {
  const value = valueOf(field);
  const numeric = numericBounds(lower, upper);
  let expr = value.sql;
  if (numeric && field !== 'severity') expr = `be_num(${value.sql})`;
  if (!numeric) expr = `CAST(${value.sql} AS TEXT)`;
  const parts: string[] = [];
  const params: unknown[] = [];
  const side = (b: Bound | undefined, op: string): void => {
    if (!b) return;
    parts.push(`${expr} ${op}${b.inclusive ? '=' : ''} ?`);
    params.push(...value.params, numeric ? Number(b.value) : b.value);
  };
  side(lower, '>');
  side(upper, '<');
  if (parts.length === 0) return exists(field);
  const sql = `coalesce(${parts.join(' AND ')}, 0)`;
  return { fts: null, exact: false, all: false, severityOnly: field === 'severity', sql, params };
}

function exists(field: string): CompiledQuery {
  const value = valueOf(field);
  return {
    fts: null,
    exact: false,
    all: false,
    severityOnly: field === 'severity',
    sql: `(${value.sql} IS NOT NULL)`,
    params: value.params,
  };
}

function term(field: string | null, text: string, prefix: boolean): CompiledQuery {
  if (field === null || field === 'message') {
    const fts = ftsPhrase('message', text, prefix);
    if (fts === null) return FALSE;
    const sql = `(l.id IN (SELECT rowid FROM ${FTS_TABLE} WHERE ${FTS_TABLE} MATCH ?))`;
    return { fts, exact: true, all: false, severityOnly: false, sql, params: [fts] };
  }
  const value = valueOf(field);
  const fts = value.fts === null ? null : ftsPhrase(value.fts, text, prefix);
  if (prefix) {
    return {
      fts,
      exact: false,
      all: false,
      severityOnly: field === 'severity',
      sql: `coalesce(substr(${value.sql}, 1, ?) = ?, 0)`,
      params: [...value.params, [...text].length, text],
    };
  }
  return {
    fts,
    exact: false,
    all: false,
    severityOnly: field === 'severity',
    sql: `coalesce(${value.sql} = ?, 0)`,
    params: [...value.params, text],
  };
}

function and(items: CompiledQuery[], negated: CompiledQuery[]): CompiledQuery {
  const positive = items.filter((c) => !c.all);
  if (positive.length === 0 && negated.length === 0) return TRUE;
  const sqlParts = [...positive.map((c) => c.sql), ...negated.map((c) => `NOT ${c.sql}`)];
  const params = [...positive.flatMap((c) => c.params), ...negated.flatMap((c) => c.params)];
  const withFts = positive.filter((c) => c.fts !== null);
  let fts: string | null = withFts.length > 0 ? withFts.map((c) => `(${c.fts})`).join(' AND ') : null;
  let exact = fts !== null && positive.every((c) => c.exact);
  if (fts !== null) {
    for (const n of negated) {
      if (n.fts !== null && n.exact) fts = `(${fts}) NOT (${n.fts})`;
      else exact = false;
    }
  }
  const severityOnly = [...positive, ...negated].every((c) => c.severityOnly);
  return { fts, exact, all: false, severityOnly, sql: `(${sqlParts.join(' AND ')})`, params };
}

export function compileLogQuery(q: LogQuery): CompiledQuery {
  switch (q.type) {
    case 'all':
      return TRUE;
    case 'term':
      return term(q.field, q.text, q.prefix);
    case 'exists':
      return exists(q.field);
    case 'range':
      return range(q.field, q.lower, q.upper);
    case 'not': {
      const inner = compileLogQuery(q.item);
      if (inner.all) return FALSE;
      const { severityOnly, params } = inner;
      return { fts: null, exact: false, all: false, severityOnly, sql: `(NOT ${inner.sql})`, params };
    }
    case 'and': {
      const positive: CompiledQuery[] = [];
      const negated: CompiledQuery[] = [];
      for (const item of q.items) {
        if (item.type === 'not') {
          const inner = compileLogQuery(item.item);
          if (inner.all) return FALSE;
          negated.push(inner);
        } else positive.push(compileLogQuery(item));
      }
      return and(positive, negated);
    }
    case 'or': {
      const items = q.items.map(compileLogQuery);
      if (items.some((c) => c.all)) return TRUE;
      const fts = items.every((c) => c.fts !== null) ? items.map((c) => `(${c.fts})`).join(' OR ') : null;
      return {
        fts,
        exact: fts !== null && items.every((c) => c.exact),
        all: false,
        severityOnly: items.every((c) => c.severityOnly),
        sql: `(${items.map((c) => c.sql).join(' OR ')})`,
        params: items.flatMap((c) => c.params),
      };
    }
  }
}

/**
 * An FTS5 expression every line of one stream (host, source, container name or else id) matches:
 * how context finds a stream's lines in a day that has no (tenant, host, source) index. Null when
 * none of the three has a token to look for.
 */
export function streamFts(host: string, source: string, container: string): string | null {
  const parts = [ftsPhrase('host', host, false), ftsPhrase('source', source, false)];
  if (container !== '') parts.push(ftsPhrase('container', container, false));
  const present = parts.filter((p) => p !== null);
  return present.length === 0 ? null : present.map((p) => `(${p})`).join(' AND ');
}

/**
 * A severity-only query's condition on a row of `logcounts_d<N> AS l`, whose severity is -1 where
 * a line had none. CAST gives the expression the column's integer affinity, so `severity:3`
 * (bound as text) compares as it does on the logs table.
 */
export function onCounts(q: CompiledQuery): string {
  return q.sql.replaceAll(SEVERITY, 'CAST(nullif(l.severity, -1) AS INTEGER)');
}

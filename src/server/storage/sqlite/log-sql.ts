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
 * How a day's full-text table holds its keyword columns (host, source, service, container,
 * format, fields). `plain`, on days made before schema 5: as they are, so every word's entries
 * span all columns (a message term such as `host-7` walked the host column's entries of "host",
 * one per line, to find it in no message), and a value of several words is a phrase (`host-3`
 * walked "host" too: ~100 ms a day of 5 M lines). `tagged`, since: each value is one token, its
 * column's tag and then its words joined by `0` (`host-3` → `0hhost03`), so columns' words and
 * messages' are apart and a value is one lookup (~4 ms); a prefix of a value is a prefix of its
 * token. The format column also holds the tenant's token, so a count can keep to one tenant
 * without reading rows. Tokens that happen to collide cost only time: the index is a prefilter
 * for keyword columns, checked exactly on the row, and column filters still apply.
 * `tagged-pattern`, on days made since schema 7: tagged, and the format column also holds the
 * line's pattern id as a token (tag `0p`), so `pattern:<id>` is found through the index. Such days
 * have no (tenant, pattern) index on their rows: with lines of many patterns arriving at once,
 * keeping that index in order was about half of a row's write.
 */
export type FtsLayout = 'plain' | 'tagged' | 'tagged-pattern';

const TAGS = {
  host: '0h',
  source: '0s',
  service: '0v',
  container: '0c',
  format: '0f',
  fields: '0x',
  pattern: '0p',
} as const;
type TaggedColumn = keyof typeof TAGS;
/** The full-text column a tagged value lives in: its own, but the pattern id shares `format`'s. */
function ftsColumn(column: TaggedColumn): string {
  return column === 'pattern' ? 'format' : column;
}

function isTagged(column: string): column is TaggedColumn {
  return Object.hasOwn(TAGS, column);
}

/** A keyword value's token in the tagged layout ('' when it has no word). */
function keywordToken(column: TaggedColumn, value: string): string {
  const words = textTokens(value);
  return words.length === 0 ? '' : TAGS[column] + words.join('0');
}

/** Tagged tokens per column by value (bounded): a few hosts, sources and formats make most lines. */
const tokenCache = new Map<TaggedColumn | 'tenant', Map<string, string>>();
const TOKEN_CACHE_MAX = 10_000;

function cachedToken(column: TaggedColumn | 'tenant', value: string, make: () => string): string {
  let cache = tokenCache.get(column);
  if (!cache) tokenCache.set(column, (cache = new Map<string, string>()));
  let token = cache.get(value);
  if (token === undefined) {
    token = make();
    if (cache.size >= TOKEN_CACHE_MAX) cache.clear();
    cache.set(value, token);
  }
  return token;
}

/** The tagged column text of one or more values (space-separated tokens; '' when none has a word). */
export function taggedText(column: TaggedColumn, ...values: ReadonlyArray<string | undefined>): string {
  let text = '';
  for (const value of values) {
    if (value === undefined) continue;
    const token = cachedToken(column, value, () => keywordToken(column, value));
    if (token !== '') text = text === '' ? token : `${text} ${token}`;
  }
  return text;
}

/** The token of a tenant in the tagged layout's format column: one token, its name's bytes in hex. */
export function tenantToken(tenant: string): string {
  return cachedToken('tenant', tenant, () => `0t${Buffer.from(tenant).toString('hex')}`);
}

/** An FTS5 expression of the lines of `tenant`, in the tagged layout. */
export function tenantFts(tenant: string): string {
  return `format : "${tenantToken(tenant)}"`;
}

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

/**
 * The text of a record's `fields` FTS column, from each indexed field present: `name value`
 * (plain), or the value's token (tagged; a query names the field's value only).
 */
export function ftsFieldsText(
  fields: Readonly<Record<string, unknown>> | undefined,
  layout: FtsLayout,
): string | null {
  if (!fields) return null;
  const parts: string[] = [];
  for (const name of FTS_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null || typeof value === 'object') continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (layout === 'plain') parts.push(name, text);
    else {
      const token = taggedText('fields', text);
      if (token !== '') parts.push(token);
    }
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
  // In the full-text index on tagged-pattern days only (see ftsColumnOf).
  pattern: { column: 'l.pattern', fts: 'pattern' },
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

function ftsPhrase(column: string, text: string, prefix: boolean, layout: FtsLayout): string | null {
  const tagged = layout !== 'plain' && isTagged(column);
  const tokens = tagged ? [keywordToken(column, text)].filter((t) => t !== '') : textTokens(text);
  if (tokens.length === 0) return null;
  return `${tagged ? ftsColumn(column) : column} : "${tokens.join(' ')}"${prefix ? '*' : ''}`;
}

/** A field's value as SQL: a column, or a parsed field through the be_field() function. */
function valueOf(field: string): { sql: string; params: unknown[] } {
  const keyword = KEYWORD_COLUMNS[field];
  if (keyword) return { sql: keyword.column, params: [] };
  if (field === 'severity') return { sql: SEVERITY, params: [] };
  if (field === 'message') return { sql: 'l.message', params: [] };
  return { sql: 'be_field(l.rest, ?)', params: [field.slice('fields.'.length)] };
}

/** The full-text column that holds a field's value on a day of `layout`, if one does. */
function ftsColumnOf(field: string, layout: FtsLayout): string | null {
  if (field === 'pattern' && layout !== 'tagged-pattern') return null;
  const keyword = KEYWORD_COLUMNS[field];
  if (keyword) return keyword.fts;
  if (field === 'severity' || field === 'message') return null;
  return FTS_FIELDS.has(field.slice('fields.'.length)) ? 'fields' : null;
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

function term(field: string | null, text: string, prefix: boolean, layout: FtsLayout): CompiledQuery {
  if (field === null || field === 'message') {
    const fts = ftsPhrase('message', text, prefix, layout);
    if (fts === null) return FALSE;
    const sql = `(l.id IN (SELECT rowid FROM ${FTS_TABLE} WHERE ${FTS_TABLE} MATCH ?))`;
    return { fts, exact: true, all: false, severityOnly: false, sql, params: [fts] };
  }
  const value = valueOf(field);
  const column = ftsColumnOf(field, layout);
  const fts = column === null ? null : ftsPhrase(column, text, prefix, layout);
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

/** Compiles `q` for a day whose full-text table has `layout`. */
export function compileLogQuery(q: LogQuery, layout: FtsLayout): CompiledQuery {
  const compile = (item: LogQuery): CompiledQuery => compileLogQuery(item, layout);
  switch (q.type) {
    case 'all':
      return TRUE;
    case 'term':
      return term(q.field, q.text, q.prefix, layout);
    case 'exists':
      return exists(q.field);
    case 'range':
      return range(q.field, q.lower, q.upper);
    case 'not': {
      const inner = compile(q.item);
      if (inner.all) return FALSE;
      const { severityOnly, params } = inner;
      return { fts: null, exact: false, all: false, severityOnly, sql: `(NOT ${inner.sql})`, params };
    }
    case 'and': {
      const positive: CompiledQuery[] = [];
      const negated: CompiledQuery[] = [];
      for (const item of q.items) {
        if (item.type === 'not') {
          const inner = compile(item.item);
          if (inner.all) return FALSE;
          negated.push(inner);
        } else positive.push(compile(item));
      }
      return and(positive, negated);
    }
    case 'or': {
      const items = q.items.map(compile);
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
export function streamFts(host: string, source: string, container: string, layout: FtsLayout): string | null {
  const parts = [ftsPhrase('host', host, false, layout), ftsPhrase('source', source, false, layout)];
  if (container !== '') parts.push(ftsPhrase('container', container, false, layout));
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

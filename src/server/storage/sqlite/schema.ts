/**
 * SQLite layout: two files in `<data-dir>/server/`, both WAL.
 * `birdseye.sqlite` (auto_vacuum=INCREMENTAL) holds every row:
 * - `series` names each metric series once per tenant; `samples` holds (series, ts, value) keyed by
 *   series then time, so a range read of one series is one index scan.
 * - `batches` remembers every stored batch id: it is written in the same transaction as the data,
 *   which is what makes a resent batch a no-op.
 * - `containers` is the inventory of containers seen in logs and events.
 * - Logs and events live in one table set per UTC day (see `partitions.ts`): `logs_d<N>`,
 *   `logcounts_d<N>` and `events_d<N>`, N = days since 1970-01-01. Retention drops whole days.
 *   Every row table is in the one file, so a batch spanning days is still one atomic transaction
 *   (attached databases are not atomic together in WAL mode).
 * - `patterns` holds one row per mined log pattern, `pattern_counts` its lines per minute; a log
 *   row's `pattern` column names its pattern (on days made before schema 7, indexed for
 *   `pattern:<id>`; since, the day's full-text index has it).
 * - `doc_ids` maps an Elasticsearch `_id` (per tenant and index) to the log row stored under it, so
 *   a resent `_bulk` item is recognised; only items that carry an `_id` have a row. A mapping whose
 *   row is gone (retention) counts as absent. Added on open to older files (CREATE IF NOT EXISTS).
 * - `fts_backlog` lists, per batch, the full-text entries the batch adds and removes, written in
 *   the batch's transaction and kept until the index file has them (see fts-index.ts).
 * - `day_layouts` names the days made since schema 5, whose log ids carry the line's severity and
 *   whose full-text keyword columns are tagged (see `ftsSchema`); `day_pattern_tokens` those made
 *   since schema 7, whose full-text index also has each line's pattern id (FtsLayout in
 *   log-sql.ts); `log_clears` the (day, tenant) pairs whose lines retention deleted while the day
 *   stayed, whose full-text entries remain.
 * `birdseye-fts.sqlite`, attached as `fts`, holds the full-text index of every day made since
 * schema 4 (`logs_fts_d<N>`), written by a worker thread on the other core, and `fts_state`: the
 * last backlog entry it has. Days made before schema 4 keep their index in the main file.
 * `user_version` records the schema version: 1 had flat `logs`/`events` tables (migrated on open);
 * 2 had no `pattern` column on logs (added on open); 3 kept every day's full-text index in the
 * main file (still read and written there; new days get theirs in the index file); 4 made days
 * whose ids and index carry no severity or tenant (still read and written as they are); 5 wrote
 * every key of a log record into its row's `rest`, the columns' too (such rows are still read;
 * since 6 `rest` holds only the keys no column has, which a Birdseye of schema 5 would misread); 6
 * made days with a (tenant, pattern) index and no pattern ids in the full-text index (still read
 * and written as they are; a Birdseye of schema 6 would take a pattern token out of the index
 * wrongly).
 */
export const SCHEMA_VERSION = 7;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  labels TEXT NOT NULL,
  UNIQUE (tenant, name, labels)
);
CREATE TABLE IF NOT EXISTS samples (
  series_id INTEGER NOT NULL,
  ts REAL NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batches (
  tenant TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  received_ts REAL NOT NULL,
  PRIMARY KEY (tenant, batch_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hosts (
  tenant TEXT NOT NULL,
  host TEXT NOT NULL,
  first_seen REAL NOT NULL,
  last_seen REAL NOT NULL,
  agent_id TEXT NOT NULL,
  agent_version TEXT,
  PRIMARY KEY (tenant, host)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS containers (
  tenant TEXT NOT NULL,
  host TEXT NOT NULL,
  name TEXT NOT NULL,
  id TEXT,
  image TEXT,
  first_seen REAL NOT NULL,
  last_seen REAL NOT NULL,
  state TEXT,
  last_action TEXT,
  PRIMARY KEY (tenant, host, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS doc_ids (
  tenant TEXT NOT NULL,
  idx TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  log_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant, idx, doc_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS patterns (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  source TEXT NOT NULL,
  template TEXT NOT NULL,
  total INTEGER NOT NULL,
  first_seen REAL NOT NULL,
  last_seen REAL NOT NULL,
  severity INTEGER,
  examples TEXT NOT NULL,
  merged_into TEXT,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fts_backlog (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ops TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS day_layouts (
  day INTEGER PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS day_pattern_tokens (
  day INTEGER PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS log_clears (
  day INTEGER NOT NULL,
  tenant TEXT NOT NULL,
  PRIMARY KEY (day, tenant)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pattern_counts (
  tenant TEXT NOT NULL,
  pattern TEXT NOT NULL,
  ts REAL NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (tenant, ts, pattern)
) WITHOUT ROWID;
`;

/**
 * One day's tables. A log's rowid is its microsecond within the day times 65536 plus an arrival
 * counter, so rowid order is time order: search walks the full-text index by rowid and stops at
 * the page size instead of sorting every match, and a time range is a rowid range. On a day made
 * since schema 5 the counter's low 4 bits are the line's severity code (see `severityCode`), so a
 * histogram of a full-text query counts the index's rowids alone, reading no row.
 * The day's full-text table is made apart (ftsSchema), in the index file. Days made before schema
 * 7 also have an index on (tenant, pattern) (patternIndexSql); newer ones find a pattern's lines
 * through the full-text index. Days made before schema 4 also have an index on (tenant, host,
 * source) for context; newer ones find a stream's lines through the full-text index, which has
 * those columns (a fifth of the row write's cost saved).
 * Days made by schema 4 also have the narrow histogram index (histogramIndexSql).
 */
export function partitionSchema(day: number): string {
  return `
CREATE TABLE IF NOT EXISTS logs_d${day} (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  ts REAL NOT NULL,
  host TEXT NOT NULL,
  source TEXT NOT NULL,
  service TEXT,
  severity INTEGER,
  container_name TEXT,
  container_image TEXT,
  container_id TEXT,
  format TEXT,
  message TEXT NOT NULL,
  rest TEXT NOT NULL,
  pattern TEXT
);
CREATE INDEX IF NOT EXISTS logs_d${day}_tenant ON logs_d${day} (tenant);
CREATE TABLE IF NOT EXISTS events_d${day} (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  ts REAL NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_d${day}_tenant ON events_d${day} (tenant);
`;
}

/**
 * A day's full-text table, in `schema` (`fts` on the server's connection, `main` in the index
 * worker's). Contentless (the text lives once, in logs_d<N>); it indexes the message and the
 * fields a query can name, as a prefilter for the exact comparisons done on the row. Its rowid is
 * the line's id. On a day made since schema 5 the keyword columns' tokens are tagged and the
 * format column holds the tenant's token too (FtsLayout in log-sql.ts); the table is the same.
 */
export function ftsSchema(schema: string, day: number): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${schema}.logs_fts_d${day} USING fts5(
  ${FTS_COLUMNS},
  content='', columnsize=0, tokenize='unicode61 remove_diacritics 2'
);`;
}

const FTS_COLUMNS = 'message, host, source, service, container, format, fields';

/** Indexes a line in a day's full-text table: rowid, then the FtsValues. */
export function ftsInsertSql(schema: string, day: number): string {
  return `INSERT INTO ${schema}.logs_fts_d${day} (rowid, ${FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
}

/**
 * Takes a line out of a day's full-text table: rowid, then the FtsValues it was indexed with (a
 * contentless table forgets a row only when given exactly those).
 */
export function ftsDeleteSql(schema: string, day: number): string {
  return `INSERT INTO ${schema}.logs_fts_d${day} (logs_fts_d${day}, rowid, ${FTS_COLUMNS}) VALUES ('delete', ?, ?, ?, ?, ?, ?, ?, ?)`;
}

/** The index file's own bookkeeping: the newest backlog entry indexed, and the days of recent ones. */
export function indexFileSchema(schema: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${schema}.fts_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  done INTEGER NOT NULL
);
INSERT OR IGNORE INTO ${schema}.fts_state (id, done) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS ${schema}.fts_recent (
  seq INTEGER PRIMARY KEY,
  days TEXT NOT NULL
);`;
}

/** The (tenant, pattern) index that days made before schema 7 have (the schema 2 upgrade adds it). */
export function patternIndexSql(day: number): string {
  return `CREATE INDEX IF NOT EXISTS logs_d${day}_pattern ON logs_d${day} (tenant, pattern);`;
}

/**
 * What a histogram needs of a line, by id, on a day made before schema 5: a histogram of a
 * full-text query looks up every match there, and this narrow index (about 40 bytes a line)
 * answers that from a few MB instead of seeking into rows of ~600 bytes (3× less CPU for a 24 h
 * histogram). Such days that lack it get it on open (see Partitions.ensureIndexes).
 */
export function histogramIndexSql(day: number): string {
  return `CREATE INDEX IF NOT EXISTS logs_d${day}_hist ON logs_d${day} (id, tenant, ts, severity);`;
}

/**
 * A day's tables in the main file, and its rows of day_layouts, day_pattern_tokens and
 * log_clears; its full-text table in the index file goes apart (fts-index.ts).
 */
export function dropPartitionSql(day: number): string {
  return `DROP TABLE IF EXISTS main.logs_fts_d${day}; DROP TABLE IF EXISTS main.logs_d${day}; DROP TABLE IF EXISTS main.events_d${day};
DELETE FROM main.day_layouts WHERE day = ${day}; DELETE FROM main.day_pattern_tokens WHERE day = ${day};
DELETE FROM main.log_clears WHERE day = ${day};`;
}

/** The arrival counter's width: ids stay below 2^53 (86_400_000_000 µs × 65536 ≈ 5.7e15). */
export const ID_SLOT = 65_536;
export const DAY_US = 86_400_000_000;

/**
 * On a day made since schema 5, a log id's low 4 bits: its severity (0–7), or NO_SEVERITY; the
 * arrival counter above them then counts 4,096 lines a microsecond.
 */
export const SEVERITY_CODES = 16;
export const NO_SEVERITY = 8;

export function severityCode(severity: number | undefined): number {
  return severity ?? NO_SEVERITY;
}

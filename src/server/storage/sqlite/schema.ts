/**
 * SQLite layout (one file, `<data-dir>/server/birdseye.sqlite`, WAL):
 * - `series` names each metric series once per tenant; `samples` holds (series, ts, value) keyed by
 *   series then time, so a range read of one series is one index scan.
 * - `batches` remembers every stored batch id: it is written in the same transaction as the data,
 *   which is what makes a resent batch a no-op.
 * - `logs` and `events` keep every record whole (JSON) with the columns search will index.
 * `user_version` records the schema version for later migrations.
 */
export const SCHEMA_VERSION = 1;

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
CREATE TABLE IF NOT EXISTS logs (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  ts REAL NOT NULL,
  host TEXT NOT NULL,
  source TEXT NOT NULL,
  severity INTEGER,
  message TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_tenant_ts ON logs (tenant, ts);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  ts REAL NOT NULL,
  host TEXT NOT NULL,
  kind TEXT NOT NULL,
  action TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_tenant_ts ON events (tenant, ts);
`;

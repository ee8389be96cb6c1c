import path from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteFile } from '../../storage/sqlite/open-database.ts';
import { MARKS_SCHEMA } from '../anomaly/marks.ts';

/**
 * Alert state lives in its own file, `<data_dir>/server/alerts.sqlite`, apart from the data store,
 * so it survives a change of storage backend and a restart of the server:
 *   alerts    one row per fingerprint: the lifecycle state (pending, firing, resolved)
 *   history   state changes and delivery attempts, newest last (pruned after history_days)
 *   silences  label matchers with an expiry
 *   anomalies stretches the anomaly detector flagged, per rule and series (anomaly/marks.ts)
 *   nflog     per group and channel, what was last delivered: the dedup stage's memory, so a
 *             restart neither re-sends a notification nor forgets a resolve that is owed
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  fingerprint TEXT PRIMARY KEY, tenant TEXT NOT NULL, rule_id TEXT NOT NULL, labels TEXT NOT NULL,
  summary TEXT NOT NULL, state TEXT NOT NULL, value REAL NOT NULL, active_since REAL NOT NULL,
  fired_at REAL, resolved_at REAL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_state ON alerts (tenant, state);
CREATE TABLE IF NOT EXISTS history (
  id INTEGER PRIMARY KEY, ts REAL NOT NULL, tenant TEXT NOT NULL, kind TEXT NOT NULL,
  fingerprint TEXT, rule_id TEXT, alertname TEXT, channel TEXT, outcome TEXT, attempt INTEGER,
  detail TEXT);
CREATE INDEX IF NOT EXISTS history_ts ON history (tenant, ts);
CREATE TABLE IF NOT EXISTS silences (
  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, matchers TEXT NOT NULL, starts_at REAL NOT NULL,
  ends_at REAL NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS nflog (
  group_key TEXT NOT NULL, channel TEXT NOT NULL, firing TEXT NOT NULL, resolved TEXT NOT NULL,
  sent_at REAL NOT NULL, PRIMARY KEY (group_key, channel));
`;

export function openAlertDatabase(dataDir: string): Database.Database {
  const db = openSqliteFile(path.join(dataDir, 'server', 'alerts.sqlite'));
  db.exec(SCHEMA);
  db.exec(MARKS_SCHEMA);
  // Added after the first release of this file: a JSON column for the alert's message context.
  const columns = db.prepare('PRAGMA table_info(alerts)').all() as Array<{ name: string }>;
  if (!columns.some((c) => c.name === 'context')) db.exec('ALTER TABLE alerts ADD COLUMN context TEXT');
  return db;
}

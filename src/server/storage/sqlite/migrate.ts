import type Database from 'better-sqlite3';
import type { ClusterEvent, LogRecord } from '../../../model/index.ts';
import type { LogWriter } from './log-writer.ts';
import { patternIndexSql } from './schema.ts';

/**
 * Schema 1 kept logs and events in two flat tables. Moving them into day partitions happens once,
 * in one transaction with the version bump, so an interrupted upgrade simply runs again.
 */
export function migrateFromV1(db: Database.Database, writer: LogWriter): void {
  const tables = new Set(
    db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('logs', 'events')",
      )
      .all()
      .map((r) => r.name),
  );
  if (tables.has('logs')) {
    const rows = db.prepare<[], { tenant: string; record: string }>(
      'SELECT tenant, record FROM logs ORDER BY id',
    );
    for (const row of rows.all()) writer.writeCountedLog(row.tenant, JSON.parse(row.record) as LogRecord);
    db.exec('DROP TABLE logs');
  }
  if (tables.has('events')) {
    const rows = db.prepare<[], { tenant: string; record: string }>(
      'SELECT tenant, record FROM events ORDER BY id',
    );
    for (const row of rows.all()) writer.writeEvent(row.tenant, JSON.parse(row.record) as ClusterEvent);
    db.exec('DROP TABLE events');
  }
}

/** Schema 2 day partitions had no `pattern` column; the column is added (null for old rows). */
export function migrateFromV2(db: Database.Database): void {
  const tables = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'logs_d[0-9]*'",
    )
    .all();
  for (const { name } of tables) {
    const columns = db.prepare<[], { name: string }>(`PRAGMA table_info(${name})`).all();
    if (!columns.some((c) => c.name === 'pattern')) db.exec(`ALTER TABLE ${name} ADD COLUMN pattern TEXT`);
    db.exec(patternIndexSql(Number(name.slice('logs_d'.length))));
  }
}

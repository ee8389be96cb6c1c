import type Database from 'better-sqlite3';
import type { TenantUsage } from '../backend.ts';
import type { Partitions } from './partitions.ts';

/** Usage walks every page (dbstat); a dashboard polling it should not, so answers are kept a while. */
const CACHE_MS = 60_000;

/**
 * Bytes on disk per tenant. Tables are shared by tenants, so each table's size (from SQLite's
 * dbstat: pages of the table and its indexes, including the full-text index of a day) is split by
 * the tenant's share of its rows. An estimate, but one that adds up to the file across tenants.
 */
export class Usage {
  private cached = new Map<string, { at: number; usage: TenantUsage }>();
  private tables: { at: number; bytes: Map<string, number> } | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly partitions: Partitions,
  ) {}

  private tableBytes(): Map<string, number> {
    // Both files: the rows in `main`, the full-text index of newer days in `fts`.
    const rows = ['main', 'fts'].flatMap(
      (schema) =>
        this.db
          .prepare(
            `SELECT coalesce(m.tbl_name, d.name) AS name, sum(d.pgsize) AS bytes
             FROM dbstat('${schema}') AS d LEFT JOIN ${schema}.sqlite_master AS m ON m.name = d.name GROUP BY 1`,
          )
          .all() as Array<{ name: string; bytes: number }>,
    );
    const out = new Map<string, number>();
    for (const { name, bytes } of rows) {
      // FTS5 keeps its index in shadow tables logs_fts_d<N>_data, _idx, …: count them with the day.
      const owner = /^logs_fts_d(\d+)_/.exec(name);
      const key = owner ? `logs_d${owner[1]}` : name;
      out.set(key, (out.get(key) ?? 0) + bytes);
    }
    return out;
  }

  measure(tenant: string, now = Date.now()): TenantUsage {
    const hit = this.cached.get(tenant);
    if (hit && now - hit.at < CACHE_MS) return hit.usage;
    // One dbstat walk serves every tenant asked about within the minute.
    if (!this.tables || now - this.tables.at >= CACHE_MS) this.tables = { at: now, bytes: this.tableBytes() };
    const bytes = this.tables.bytes;
    const share = (table: string, mine: number, all: number): number =>
      all === 0 ? 0 : ((bytes.get(table) ?? 0) * mine) / all;
    const count = (sql: string, ...params: unknown[]): number =>
      (this.db.prepare(sql).get(...params) as { n: number }).n;
    let total = 0;
    let logs = 0;
    let events = 0;
    for (const day of this.partitions.list()) {
      const myLogs = count(`SELECT count(*) AS n FROM logs_d${day} WHERE tenant = ?`, tenant);
      const myEvents = count(`SELECT count(*) AS n FROM events_d${day} WHERE tenant = ?`, tenant);
      total += share(`logs_d${day}`, myLogs, count(`SELECT count(*) AS n FROM logs_d${day}`));
      total += share(`events_d${day}`, myEvents, count(`SELECT count(*) AS n FROM events_d${day}`));
      logs += myLogs;
      events += myEvents;
    }
    const mySeries = `SELECT id FROM series WHERE tenant = ?`;
    const samples = count(`SELECT count(*) AS n FROM samples WHERE series_id IN (${mySeries})`, tenant);
    total += share('samples', samples, count('SELECT count(*) AS n FROM samples'));
    total += share(
      'rollups',
      count(`SELECT count(*) AS n FROM rollups WHERE series_id IN (${mySeries})`, tenant),
      count('SELECT count(*) AS n FROM rollups'),
    );
    total += share(
      'series',
      count('SELECT count(*) AS n FROM series WHERE tenant = ?', tenant),
      count('SELECT count(*) AS n FROM series'),
    );
    total += share(
      'batches',
      count('SELECT count(*) AS n FROM batches WHERE tenant = ?', tenant),
      count('SELECT count(*) AS n FROM batches'),
    );
    const usage = { bytes: Math.round(total), logs, events, metric_samples: samples };
    if (this.cached.size > 1000) this.cached = new Map();
    this.cached.set(tenant, { at: now, usage });
    return usage;
  }
}

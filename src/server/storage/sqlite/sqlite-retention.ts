import type Database from 'better-sqlite3';
import type { RetentionRequest, RetentionRun } from '../backend.ts';
import { cutoffsOf, dayExpired, sharedDayCutoff } from '../retention-policy.ts';
import type { Partitions } from './partitions.ts';
import { ROLLUP_RESOLUTIONS_MS } from './rollups.ts';

const DEFAULT_CHUNK_ROWS = 5000;

/**
 * Retention for the SQLite store, in bounded steps so ingest never waits long for the write lock:
 * - a day partition goes whole (DROP TABLE) once every tenant's log and event retention is past it;
 * - a tenant that keeps less loses its rows of older days in deletes of at most `chunk_rows` rows
 *   (its full-text entries stay until the day is dropped; they match no row, so no query sees them,
 *   and `log_clears` tells a histogram to count that tenant's lines of the day from the rows);
 * - metric samples and rollups go per series as one key range each (`series_id, ts < cutoff`), in
 *   chunks, which is a contiguous slice of the primary key, not a scan;
 * - batch ids older than the horizon are forgotten, in chunks, by their received_ts index.
 */
export function retainSqlite(
  db: Database.Database,
  partitions: Partitions,
  request: RetentionRequest,
): RetentionRun {
  const chunk = request.chunk_rows ?? DEFAULT_CHUNK_ROWS;
  const daysDropped = partitions.dropBefore(sharedDayCutoff(request));
  const untilDone = (stmt: Database.Statement, ...params: unknown[]): number => {
    let total = 0;
    for (;;) {
      const n = stmt.run(...params).changes;
      total += n;
      if (n < chunk) return total;
    }
  };

  let logs = 0;
  let events = 0;
  for (const day of partitions.list()) {
    const tenants = (
      db
        .prepare(`SELECT DISTINCT tenant FROM logs_d${day} UNION SELECT DISTINCT tenant FROM events_d${day}`)
        .all() as Array<{
        tenant: string;
      }>
    ).map((r) => r.tenant);
    for (const tenant of tenants) {
      const cut = cutoffsOf(request, tenant);
      if (dayExpired(day, cut.logs)) {
        // Before the first delete: from now on the index alone no longer counts its lines there
        // (a tenant with only events that day leaves the index as it is).
        const hasLines = db.prepare(`SELECT 1 FROM logs_d${day} WHERE tenant = ? LIMIT 1`).get(tenant);
        if (hasLines) partitions.cleared(day, tenant);
        logs += untilDone(
          db.prepare(
            `DELETE FROM logs_d${day} WHERE id IN (SELECT id FROM logs_d${day} WHERE tenant = ? LIMIT ?)`,
          ),
          tenant,
          chunk,
        );
        if (partitions.hasCounts(day))
          db.prepare(`DELETE FROM logcounts_d${day} WHERE tenant = ?`).run(tenant);
      }
      if (dayExpired(day, cut.events)) {
        events += untilDone(
          db.prepare(
            `DELETE FROM events_d${day} WHERE id IN (SELECT id FROM events_d${day} WHERE tenant = ? LIMIT ?)`,
          ),
          tenant,
          chunk,
        );
      }
    }
  }

  const deleteSamples = db.prepare(`DELETE FROM samples WHERE series_id = @id AND ts < min(@cutoff,
    coalesce((SELECT ts FROM samples WHERE series_id = @id ORDER BY ts LIMIT 1 OFFSET @chunk), @cutoff))`);
  const deleteRollups = db.prepare('DELETE FROM rollups WHERE series_id = ? AND res = ? AND ts < ?');
  let samples = 0;
  const series = db.prepare('SELECT id, tenant FROM series').all() as Array<{ id: number; tenant: string }>;
  for (const { id, tenant } of series) {
    const cutoff = cutoffsOf(request, tenant).metrics;
    samples += untilDone(deleteSamples, { id, cutoff, chunk });
    // A rollup bucket goes once all of it is past the cutoff.
    for (const res of ROLLUP_RESOLUTIONS_MS)
      deleteRollups.run(id, res, Math.floor(cutoff / res) * res - res + 1);
  }

  const batchIds = untilDone(
    db.prepare(`DELETE FROM batches WHERE (tenant, batch_id) IN
      (SELECT tenant, batch_id FROM batches WHERE received_ts < ? LIMIT ?)`),
    request.now - request.batch_id_horizon_ms,
    chunk,
  );
  return {
    days_dropped: daysDropped,
    logs_deleted: logs,
    events_deleted: events,
    samples_deleted: samples,
    batch_ids_deleted: batchIds,
  };
}

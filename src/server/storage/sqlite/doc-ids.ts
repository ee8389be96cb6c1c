import type Database from 'better-sqlite3';
import type { LogRecord } from '../../../model/index.ts';
import type { DocumentResult, LogDocumentId } from '../backend.ts';
import { MINUTE_MS } from './log-counts.ts';
import type { Partitions } from './partitions.ts';
import { RECORD_COLUMNS, rowRecord, type StoredRow } from './stored-row.ts';

/** The values of a record's full-text row, given to the FTS table on insert and on delete alike. */
export type FtsValues = [string, string, string, string | null, string | null, string | null, string | null];

/**
 * Elasticsearch `_id`s of log rows (table `doc_ids`), so a resent `_bulk` item is not stored twice.
 * `claim` runs inside the batch transaction before the record is written: a `create` of a live id
 * is a conflict; an `index` of a live id deletes the old row (its full-text entry and per-minute
 * count included) so the new record takes its place. `remember` then points the id at the new row.
 */
export class DocumentIds {
  private readonly find: Database.Statement<
    [string, string, string],
    { day: number; log_id: number; version: number }
  >;
  private readonly upsert: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly partitions: Partitions,
    private readonly ftsValues: (log: LogRecord, tenant: string, day: number) => FtsValues,
    /** Removes a row's full-text entry, given the values it was indexed with. */
    private readonly unindex: (day: number, rowid: number, values: FtsValues) => void,
  ) {
    this.find = db.prepare(
      'SELECT day, log_id, version FROM doc_ids WHERE tenant = ? AND idx = ? AND doc_id = ?',
    );
    this.upsert =
      db.prepare(`INSERT INTO doc_ids (tenant, idx, doc_id, day, log_id, version) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (tenant, idx, doc_id) DO UPDATE SET day = excluded.day, log_id = excluded.log_id, version = excluded.version`);
  }

  /** What writing a record under `key` will be; for `updated`, the old row is already deleted. */
  claim(tenant: string, key: LogDocumentId): DocumentResult {
    const mapped = this.find.get(tenant, key.index, key.id);
    const row = mapped && this.row(tenant, mapped.day, mapped.log_id);
    if (!mapped || !row) return { result: 'created', version: 1 };
    if (key.op === 'create') return { result: 'conflict', version: mapped.version };
    this.remove(tenant, mapped.day, mapped.log_id, row);
    return { result: 'updated', version: mapped.version + 1 };
  }

  /** Points the id at the row just written (`recordId` of `day-rowid`). */
  remember(tenant: string, key: LogDocumentId, recordId: string, version: number): void {
    const [day, logId] = recordId.split('-').map(Number) as [number, number];
    this.upsert.run(tenant, key.index, key.id, day, logId, version);
  }

  private row(tenant: string, day: number, logId: number): StoredRow | undefined {
    if (!this.partitions.has(day)) return undefined;
    return this.db
      .prepare<[number, string], StoredRow>(
        `SELECT ${RECORD_COLUMNS} FROM logs_d${day} AS l WHERE l.id = ? AND l.tenant = ?`,
      )
      .get(logId, tenant);
  }

  private remove(tenant: string, day: number, logId: number, row: StoredRow): void {
    // The record as written: the same values the insert indexed.
    const old = rowRecord(row);
    this.unindex(day, logId, this.ftsValues(old, tenant, day));
    this.db.prepare(`DELETE FROM logs_d${day} WHERE id = ?`).run(logId);
    const addCount = this.partitions.forWrite(day).addCount;
    if (addCount) {
      const minute = Math.floor(old.ts / MINUTE_MS);
      addCount.run(tenant, minute, old.severity ?? -1, -1);
      // A histogram leaves out buckets without lines, so a count that drops to 0 goes.
      this.db
        .prepare(
          `DELETE FROM logcounts_d${day} WHERE tenant = ? AND minute = ? AND severity = ? AND count <= 0`,
        )
        .run(tenant, minute, old.severity ?? -1);
    }
  }
}

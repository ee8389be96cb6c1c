import type Database from 'better-sqlite3';
import type { ClusterEvent, IngestBatch, LogRecord } from '../../../model/index.ts';
import type { StoredLog } from '../backend.ts';
import { containerSightings, dayOf } from '../log-common.ts';
import { countLogs } from './log-counts.ts';
import { ftsFieldsText } from './log-sql.ts';
import type { Partitions } from './partitions.ts';

/** The API id of a stored log or event: its day and rowid. */
export function recordId(day: number, rowid: number): string {
  return `${day}-${rowid}`;
}

export function parseRecordId(id: string): { day: number; rowid: number } | undefined {
  const m = /^(\d{1,12})-(\d{1,16})$/.exec(id);
  return m ? { day: Number(m[1]), rowid: Number(m[2]) } : undefined;
}

/**
 * Writes a batch's logs, events and container sightings. Runs inside the backend's batch
 * transaction, so a batch is all stored or not at all; the caller commits and then acknowledges.
 */
export class LogWriter {
  private readonly upsertContainer: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly partitions: Partitions,
  ) {
    this.upsertContainer = db.prepare(`
      INSERT INTO containers (tenant, host, name, id, image, first_seen, last_seen, state, last_action)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (tenant, host, name) DO UPDATE SET
        id = coalesce(excluded.id, id), image = coalesce(excluded.image, image),
        first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
        state = coalesce(excluded.state, state), last_action = coalesce(excluded.last_action, last_action)`);
  }

  /** Returns the stored logs with their ids when `withRecords` (someone is tailing), else []. */
  write(tenant: string, batch: IngestBatch, withRecords: boolean): StoredLog[] {
    const stored: StoredLog[] = [];
    for (const log of batch.logs) {
      const id = this.writeLog(tenant, log);
      if (withRecords) stored.push({ ...log, id });
    }
    countLogs(this.db, tenant, batch.logs, (day) => this.partitions.hasCounts(day));
    for (const event of batch.events) this.writeEvent(tenant, event);
    for (const s of containerSightings(batch)) {
      this.upsertContainer.run(tenant, s.host, s.name, s.id, s.image, s.first, s.ts, s.state, s.action);
    }
    return stored;
  }

  /** One line with its per-minute count (the batch path counts a whole batch at once instead). */
  writeCountedLog(tenant: string, log: LogRecord): string {
    const id = this.writeLog(tenant, log);
    countLogs(this.db, tenant, [log], (day) => this.partitions.hasCounts(day));
    return id;
  }

  writeLog(tenant: string, log: LogRecord): string {
    const day = dayOf(log.ts);
    const s = this.partitions.forWrite(day);
    const rowid = this.partitions.allocate('log', day, log.ts);
    const { message, ...rest } = log;
    const c = log.container;
    s.insertLog.run(
      rowid,
      tenant,
      log.ts,
      log.host,
      log.source,
      log.service ?? null,
      log.severity ?? null,
      c?.name ?? null,
      c?.image ?? null,
      c?.id ?? null,
      log.format ?? null,
      message,
      JSON.stringify(rest),
      log.pattern ?? null,
    );
    const container = [c?.name, c?.image, c?.id].filter((x) => x !== undefined).join(' ');
    s.insertFts.run(
      rowid,
      message,
      log.host,
      log.source,
      log.service ?? null,
      container === '' ? null : container,
      log.format ?? null,
      ftsFieldsText(log.fields),
    );
    return recordId(day, rowid);
  }

  writeEvent(tenant: string, event: ClusterEvent): void {
    const day = dayOf(event.ts);
    const rowid = this.partitions.allocate('event', day, event.ts);
    this.partitions.forWrite(day).insertEvent.run(rowid, tenant, event.ts, JSON.stringify(event));
  }
}

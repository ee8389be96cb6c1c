import type Database from 'better-sqlite3';
import type { ClusterEvent, IngestBatch, LogRecord } from '../../../model/index.ts';
import type { DocumentResult, LogDocumentId, StoredLog } from '../backend.ts';
import { containerSightings, dayOf } from '../log-common.ts';
import { DocumentIds, type FtsValues } from './doc-ids.ts';
import type { FtsIndex } from './fts-index.ts';
import { countLogs } from './log-counts.ts';
import { ftsFieldsText, type FtsLayout, taggedText, tenantToken } from './log-sql.ts';
import type { Partitions } from './partitions.ts';
import { restJson } from './stored-row.ts';

/** The API id of a stored log or event: its day and rowid. */
export function recordId(day: number, rowid: number): string {
  return `${day}-${rowid}`;
}

export function parseRecordId(id: string): { day: number; rowid: number } | undefined {
  const m = /^(\d{1,12})-(\d{1,16})$/.exec(id);
  return m ? { day: Number(m[1]), rowid: Number(m[2]) } : undefined;
}

/**
 * The full-text columns of a tenant's record in a day of `layout`: message, host, source, service,
 * container, format (and, tagged, the tenant's token; tagged-pattern, the pattern's), fields.
 */
export function ftsValues(log: LogRecord, tenant: string, layout: FtsLayout): FtsValues {
  const c = log.container;
  if (layout === 'plain') {
    const container = [c?.name, c?.image, c?.id].filter((x) => x !== undefined).join(' ');
    return [
      log.message,
      log.host,
      log.source,
      log.service ?? null,
      container === '' ? null : container,
      log.format ?? null,
      ftsFieldsText(log.fields, layout),
    ];
  }
  const container = c ? taggedText('container', c.name, c.image, c.id) : '';
  let format = taggedText('format', log.format);
  format = format === '' ? tenantToken(tenant) : `${format} ${tenantToken(tenant)}`;
  if (layout === 'tagged-pattern' && log.pattern !== undefined) {
    const pattern = taggedText('pattern', log.pattern);
    if (pattern !== '') format = `${format} ${pattern}`;
  }
  return [
    log.message,
    taggedText('host', log.host),
    taggedText('source', log.source),
    log.service === undefined ? null : taggedText('service', log.service),
    container === '' ? null : container,
    format,
    ftsFieldsText(log.fields, layout),
  ];
}

/** The positions of `logs` by time (ties in batch order), or undefined when they are in time order. */
function timeOrder(logs: readonly LogRecord[]): number[] | undefined {
  let sorted = true;
  for (let n = 1; n < logs.length && sorted; n++) sorted = logs[n - 1]!.ts <= logs[n]!.ts;
  if (sorted) return undefined;
  // Array.prototype.sort is stable.
  return [...logs.keys()].sort((a, b) => logs[a]!.ts - logs[b]!.ts);
}

/**
 * Writes a batch's logs, events and container sightings. Runs inside the backend's batch
 * transaction, so a batch is all stored or not at all; the caller commits and then acknowledges.
 * A line's full-text entry goes to the index worker (fts-index.ts), or, for a day made before
 * schema 4, into that day's table in the main file.
 */
export class LogWriter {
  private readonly upsertContainer: Database.Statement;
  private readonly documents: DocumentIds;

  constructor(
    private readonly db: Database.Database,
    private readonly partitions: Partitions,
    private readonly fts: FtsIndex,
  ) {
    this.upsertContainer = db.prepare(`
      INSERT INTO containers (tenant, host, name, id, image, first_seen, last_seen, state, last_action)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (tenant, host, name) DO UPDATE SET
        id = coalesce(excluded.id, id), image = coalesce(excluded.image, image),
        first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
        state = coalesce(excluded.state, state), last_action = coalesce(excluded.last_action, last_action)`);
    const values = (log: LogRecord, tenant: string, day: number): FtsValues =>
      ftsValues(log, tenant, partitions.ftsLayout(day));
    this.documents = new DocumentIds(db, partitions, values, (day, rowid, values) => {
      const local = partitions.forWrite(day).removeFts;
      if (local) local.run(rowid, ...values);
      else fts.remove(day, rowid, values);
    });
  }

  /**
   * Returns the stored logs with their ids when `withRecords` (someone is tailing), else [], and
   * with `ids` what became of each record that has a document id (a conflict is not written).
   */
  write(
    tenant: string,
    batch: IngestBatch,
    withRecords: boolean,
    ids?: ReadonlyArray<LogDocumentId | undefined>,
  ): { stored: StoredLog[]; documents?: Array<DocumentResult | undefined> } {
    const stored: StoredLog[] = [];
    const documents: Array<DocumentResult | undefined> = [];
    if (!ids) {
      // Lines without document ids are written in time order (their ids are their times), so the
      // table, its id-led index and the full-text tables are appended to rather than written in
      // between; `stored` keeps the batch's order. Items with ids keep theirs: a later item with
      // the same id replaces an earlier one.
      const order = timeOrder(batch.logs);
      for (const n of order ?? batch.logs.keys()) {
        const log = batch.logs[n]!;
        const id = this.writeLog(tenant, log);
        if (withRecords) stored[n] = { ...log, id };
      }
    }
    for (let n = 0; ids && n < batch.logs.length; n++) {
      const log = batch.logs[n]!;
      const key = ids?.[n];
      const outcome = key && this.documents.claim(tenant, key);
      documents.push(outcome);
      if (outcome?.result === 'conflict') continue;
      const id = this.writeLog(tenant, log);
      if (withRecords) stored.push({ ...log, id });
      if (key && outcome) this.documents.remember(tenant, key, id, outcome.version);
    }
    const written = ids ? batch.logs.filter((_, n) => documents[n]?.result !== 'conflict') : batch.logs;
    countLogs(tenant, written, (day) => this.addCount(day));
    for (const event of batch.events) this.writeEvent(tenant, event);
    for (const s of containerSightings(batch)) {
      this.upsertContainer.run(tenant, s.host, s.name, s.id, s.image, s.first, s.ts, s.state, s.action);
    }
    return { stored, documents: ids ? documents : undefined };
  }

  /** One line with its per-minute count (the batch path counts a whole batch at once instead). */
  writeCountedLog(tenant: string, log: LogRecord): string {
    const id = this.writeLog(tenant, log);
    countLogs(tenant, [log], (day) => this.addCount(day));
    return id;
  }

  private addCount(day: number): Database.Statement | undefined {
    return this.partitions.has(day) ? this.partitions.forWrite(day).addCount : undefined;
  }

  writeLog(tenant: string, log: LogRecord): string {
    const day = dayOf(log.ts);
    const s = this.partitions.forWrite(day);
    const rowid = this.partitions.allocate('log', day, log.ts, log.severity);
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
      log.message,
      restJson(log),
      log.pattern ?? null,
    );
    const values = ftsValues(log, tenant, this.partitions.ftsLayout(day));
    if (s.insertFts) s.insertFts.run(rowid, ...values);
    else this.fts.insert(day, rowid, values);
    return recordId(day, rowid);
  }

  writeEvent(tenant: string, event: ClusterEvent): void {
    const day = dayOf(event.ts);
    const rowid = this.partitions.allocate('event', day, event.ts);
    this.partitions.forWrite(day).insertEvent.run(rowid, tenant, event.ts, JSON.stringify(event));
  }
}

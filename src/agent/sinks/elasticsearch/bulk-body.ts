import type { IngestBatch, LogRecord } from '../../../model/index.ts';
import { SEVERITIES } from '../../../model/index.ts';

/**
 * One bulk document per log record, with ECS-style names Kibana and Birdseye's own `_bulk` both
 * understand (`@timestamp`, `host.name`, `log.level`, `service.name`); the record's parsed fields
 * go in `fields`. The `_id` is the batch id plus the record's position, and the action is
 * `create`, so a batch resent after a lost response is refused as a conflict (409) by
 * Elasticsearch instead of stored twice.
 */
export function documentOf(record: LogRecord): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    '@timestamp': new Date(record.ts).toISOString(),
    message: record.message,
    host: { name: record.host },
    source: record.source,
  };
  if (record.severity !== undefined)
    doc.log = { level: SEVERITIES[record.severity] ?? String(record.severity) };
  if (record.service !== undefined) doc.service = { name: record.service };
  if (record.container) doc.container = record.container;
  if (record.fields && Object.keys(record.fields).length > 0) doc.fields = record.fields;
  if (record.format !== undefined) doc.format = record.format;
  if (record.parse_error) doc.parse_error = true;
  if (record.truncated) doc.truncated = true;
  return doc;
}

export interface BulkLine {
  /** The record's position in the batch: the `_id` suffix. */
  position: number;
  /** Action and document, two NDJSON lines with their newlines. */
  text: string;
}

export function bulkLines(batch: IngestBatch, index: string, withType: boolean): BulkLine[] {
  return batch.logs.map((record, position) => {
    const meta: Record<string, string> = { _index: index, _id: `${batch.batch_id}:${position}` };
    if (withType) meta._type = '_doc';
    return { position, text: `${JSON.stringify({ create: meta })}\n${JSON.stringify(documentOf(record))}\n` };
  });
}

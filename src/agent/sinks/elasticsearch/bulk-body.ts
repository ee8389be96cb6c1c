import type { IngestBatch, LogRecord } from '../../../model/index.ts';
import { SEVERITIES } from '../../../model/index.ts';
import { Utf8Writer } from '../../utf8-writer.ts';

/**
 * One bulk document per log record, with ECS-style names Kibana and Birdseye's own `_bulk` both
 * understand (`@timestamp`, `host.name`, `log.level`, `service.name`); the record's parsed fields
 * go in `fields`. The `_id` is the batch id plus the record's position, and the action is
 * `create`, so a batch resent after a lost response is refused as a conflict (409) by
 * Elasticsearch instead of stored twice.
 */
export function documentOf(record: LogRecord): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    '@timestamp': isoTime(record.ts),
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

/**
 * `new Date(ts).toISOString()`, remembering the text up to the second for a few dozen seconds:
 * the records of a batch fall in few seconds (several streams may interleave), and formatting a
 * date is a sizeable part of a document.
 */
function isoTime(ts: number): string {
  // A Date keeps whole milliseconds, truncated towards zero.
  const ms = Math.trunc(ts);
  const second = Math.floor(ms / 1000);
  const slot = second & (ISO_SLOTS - 1);
  let prefix = isoPrefixes[slot];
  if (isoSeconds[slot] !== second || prefix === undefined) {
    // Throws a RangeError for a time out of Date's range, as new Date(ts).toISOString() does.
    prefix = new Date(second * 1000).toISOString().slice(0, -5);
    isoSeconds[slot] = second;
    isoPrefixes[slot] = prefix;
  }
  return prefix + MILLIS[ms - second * 1000]!;
}

const ISO_SLOTS = 64;
const isoSeconds = new Float64Array(ISO_SLOTS).fill(NaN);
const isoPrefixes = new Array<string | undefined>(ISO_SLOTS);
/** `.000Z` … `.999Z`. */
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `.${String(ms).padStart(3, '0')}Z`);

export interface BulkBody {
  /** Action and document per record, NDJSON with a newline after each line, as UTF-8. */
  body: Buffer;
  /** The records' positions in the batch (the `_id` suffixes), in body order. */
  positions: number[];
}

/**
 * The `_bulk` body for the batch's log records, or for those at `only` (a retry of some items).
 * The action line differs per record only in its position, so its JSON is made once per batch.
 * Each record's two lines go into the body as UTF-8 as soon as they are made (see Utf8Writer).
 */
export function bulkBody(
  batch: IngestBatch,
  index: string,
  withType: boolean,
  only?: ReadonlySet<number>,
): BulkBody {
  const id = JSON.stringify(`${batch.batch_id}:`);
  const head = `{"create":{"_index":${JSON.stringify(index)},"_id":${id.slice(0, -1)}`;
  const tail = withType ? '","_type":"_doc"}}\n' : '"}}\n';
  const out = new Utf8Writer(64 * 1024 + (only?.size ?? batch.logs.length) * 512);
  const positions: number[] = [];
  batch.logs.forEach((record, position) => {
    if (only && !only.has(position)) return;
    positions.push(position);
    out.write(`${head}${position}${tail}${JSON.stringify(documentOf(record))}\n`);
  });
  return { body: out.bytes(), positions };
}

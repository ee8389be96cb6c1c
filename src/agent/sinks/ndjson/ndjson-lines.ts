import type { IngestBatch } from '../../../model/index.ts';

/** One JSON line per record, tagged with its type and batch id, so `jq` can pick them apart. */
export function ndjsonLines(batch: IngestBatch): string {
  let out = '';
  const tag = (type: string, record: object) => {
    out += JSON.stringify({ type, batch_id: batch.batch_id, ...record }) + '\n';
  };
  for (const record of batch.logs) tag('log', record);
  for (const sample of batch.metrics) tag('metric', sample);
  for (const event of batch.events) tag('event', event);
  return out;
}

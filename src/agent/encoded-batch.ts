import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import type { IngestBatch } from '../model/index.ts';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/**
 * A batch as it is buffered and shipped: gzip-compressed JSON, encoded once when the batch is cut.
 * The native sink sends `gzip` as is; a sink that speaks another format decodes it.
 */
export interface EncodedBatch {
  readonly id: string;
  /** Records in the batch, for counters without decoding. */
  readonly events: number;
  readonly gzip: Buffer;
  /** Source positions reached by this batch, by source id (see `Emitted.checkpoint`). */
  readonly checkpoints?: Record<string, string>;
  /**
   * The batch itself when it is still in memory (see RecentBatches): decodeBatch then returns it
   * instead of decompressing and parsing `gzip`. Sinks must not change it; several sinks share it.
   */
  readonly decoded?: IngestBatch;
}

export async function encodeBatch(
  batch: IngestBatch,
  checkpoints?: Record<string, string>,
): Promise<EncodedBatch> {
  const events = batch.metrics.length + batch.logs.length + batch.events.length;
  return {
    id: batch.batch_id,
    events,
    gzip: await gzip(JSON.stringify(batch)),
    ...(checkpoints ? { checkpoints } : {}),
  };
}

export async function decodeBatch(encoded: EncodedBatch): Promise<IngestBatch> {
  if (encoded.decoded) return encoded.decoded;
  return JSON.parse((await gunzip(encoded.gzip)).toString('utf8')) as IngestBatch;
}

/**
 * Disk buffer entry: u32 length of a JSON header `{id, events, checkpoints?}`, the header, then the
 * gzip body, so a batch can be counted, sent and its checkpoints recovered without decompressing it.
 */
export function toEntry(encoded: EncodedBatch): Buffer {
  const { id, events, checkpoints } = encoded;
  const header = Buffer.from(JSON.stringify(checkpoints ? { id, events, checkpoints } : { id, events }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, encoded.gzip]);
}

export function fromEntry(entry: Buffer): EncodedBatch {
  const headerLength = entry.readUInt32BE(0);
  const header = JSON.parse(entry.subarray(4, 4 + headerLength).toString('utf8')) as Omit<
    EncodedBatch,
    'gzip'
  >;
  return { ...header, gzip: entry.subarray(4 + headerLength) };
}

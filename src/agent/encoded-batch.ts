import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import type { IngestBatch } from '../model/index.ts';
import { Utf8Writer } from './utf8-writer.ts';

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
  gzipLevel = 1,
): Promise<EncodedBatch> {
  const events = batch.metrics.length + batch.logs.length + batch.events.length;
  return {
    id: batch.batch_id,
    events,
    gzip: await gzip(batchJson(batch), { level: gzipLevel }),
    ...(checkpoints ? { checkpoints } : {}),
  };
}

/**
 * `JSON.stringify(batch)` as UTF-8, byte for byte, made GROUP_ITEMS records at a time (see
 * Utf8Writer): the agent's largest serialization, once per batch on its main thread.
 */
export function batchJson(batch: IngestBatch): Buffer {
  const out = new Utf8Writer(
    64 * 1024 + 512 * (batch.logs.length + batch.metrics.length + batch.events.length),
  );
  let first = true;
  const key = (name: string) => {
    if (!first) out.byte(COMMA);
    first = false;
    out.write(`${JSON.stringify(name)}:`);
  };
  out.byte(LEFT_BRACE);
  for (const [name, value] of Object.entries(batch)) {
    if (Array.isArray(value)) {
      key(name);
      writeItems(out, value);
      continue;
    }
    const json = JSON.stringify(value) as string | undefined;
    // Left out, as JSON.stringify leaves out an undefined value.
    if (json === undefined) continue;
    key(name);
    out.write(json);
  }
  out.byte(RIGHT_BRACE);
  return out.bytes();
}

/** A JSON array, GROUP_ITEMS items per JSON.stringify. */
function writeItems(out: Utf8Writer, items: unknown[]): void {
  out.byte(LEFT_BRACKET);
  for (let i = 0; i < items.length; i += GROUP_ITEMS) {
    if (i > 0) out.byte(COMMA);
    out.write(JSON.stringify(items.slice(i, i + GROUP_ITEMS)).slice(1, -1));
  }
  out.byte(RIGHT_BRACKET);
}

const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;
const COMMA = 0x2c;
/**
 * Records serialized together: few enough that a character past Latin-1 makes only a small string
 * two-byte, enough that the per-call cost is shared (measured: 64 beats 1, 16 and the whole batch).
 */
const GROUP_ITEMS = 64;

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

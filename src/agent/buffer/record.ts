import zlib from 'node:zlib';

/**
 * One record on disk, little-endian:
 *
 *   offset  size  field
 *   0       4     payload length (bytes)
 *   4       4     CRC-32 (IEEE) of bytes 8 .. end of payload
 *   8       8     record id (u64; ids stay below 2^53 so a JS number holds them)
 *   16      8     append time, epoch milliseconds (u64)
 *   24      n     payload
 *
 * The checksum covers the id and time as well as the payload, so a stale record left behind by a
 * reused block, or a header torn in the middle, is caught like a damaged payload.
 */
export const HEADER_BYTES = 24;
/** The length field is 32 bits. */
export const MAX_PAYLOAD_BYTES = 0xffff_ffff;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Table-driven CRC-32; only used where node:zlib lacks crc32 (it arrived in Node 20.15). */
export function crc32Fallback(data: Uint8Array, value = 0): number {
  let crc = ~value >>> 0;
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return ~crc >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
export const crc32: (data: Uint8Array, value?: number) => number = nativeCrc32 ?? crc32Fallback;

function writeU64(buf: Buffer, value: number, offset: number): void {
  buf.writeUInt32LE(value % 0x1_0000_0000, offset);
  buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), offset + 4);
}

function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * 0x1_0000_0000;
}

/** The header for `payload`; the record on disk is header followed by payload, unchanged. */
export function encodeHeader(id: number, ts: number, payload: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  writeU64(header, id, 8);
  writeU64(header, ts, 16);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(8, HEADER_BYTES))), 4);
  return header;
}

export interface DecodedRecord {
  id: number;
  ts: number;
  payload: Buffer;
  /** Header plus payload. */
  bytes: number;
}

/**
 * The record starting at `offset` in `buf`, or why it is not a whole, intact record there.
 * `buf` may end early; then the record is "incomplete", which on the last segment means a torn tail.
 */
export function decodeRecord(buf: Buffer, offset: number): DecodedRecord | { error: string } {
  if (buf.length - offset < HEADER_BYTES) return { error: 'incomplete header' };
  const length = buf.readUInt32LE(offset);
  const end = offset + HEADER_BYTES + length;
  if (end > buf.length) return { error: 'incomplete payload' };
  const expected = buf.readUInt32LE(offset + 4);
  const actual = crc32(buf.subarray(offset + 8, end));
  if (actual !== expected) return { error: 'checksum mismatch' };
  return {
    id: readU64(buf, offset + 8),
    ts: readU64(buf, offset + 16),
    payload: buf.subarray(offset + HEADER_BYTES, end),
    bytes: HEADER_BYTES + length,
  };
}

/** Payload length from a header alone, to know how much more to read. */
export function payloadLength(header: Buffer, offset = 0): number {
  return header.readUInt32LE(offset);
}

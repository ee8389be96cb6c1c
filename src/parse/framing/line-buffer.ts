import type { Frame } from './types.ts';

/**
 * Collects the bytes of one frame across chunks without copying until the frame is complete.
 * It keeps at most `maxBytes` bytes; everything after that is counted but not stored, which is
 * what bounds a framer's memory no matter how long a client's line is.
 */
export class LineBuffer {
  private parts: Buffer[] = [];
  private stored = 0;
  /** Bytes seen for the current frame, including those beyond the limit. */
  seen = 0;

  constructor(private readonly maxBytes: number) {}

  get overflowed(): boolean {
    return this.seen > this.maxBytes;
  }

  get isEmpty(): boolean {
    return this.seen === 0;
  }

  append(bytes: Buffer): void {
    this.seen += bytes.length;
    const room = this.maxBytes - this.stored;
    if (room <= 0 || bytes.length === 0) return;
    const kept = bytes.length <= room ? bytes : bytes.subarray(0, room);
    this.parts.push(kept);
    this.stored += kept.length;
  }

  /** Returns the frame and resets the buffer for the next one. */
  take(stripCarriageReturn: boolean): Frame {
    let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.stored);
    const truncated = this.overflowed;
    if (truncated) bytes = bytes.subarray(0, utf8Boundary(bytes, bytes.length));
    else if (stripCarriageReturn && bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) {
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    const frame: Frame = { text: bytes.toString('utf8'), truncated, size_bytes: this.seen };
    this.parts = [];
    this.stored = 0;
    this.seen = 0;
    return frame;
  }
}

/**
 * The largest length ≤ `end` that does not split a UTF-8 sequence, so a cut line ends cleanly
 * instead of with a replacement character the sender never wrote.
 */
export function utf8Boundary(bytes: Buffer, end: number): number {
  let i = end;
  // Walk back over at most three continuation bytes (10xxxxxx) to the lead byte.
  while (i > 0 && end - i < 3 && ((bytes[i - 1] ?? 0) & 0xc0) === 0x80) i--;
  if (i === 0) return end;
  const lead = bytes[i - 1] ?? 0;
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return end - (i - 1) >= needed ? end : i - 1;
}

/**
 * The few protobuf wire-format pieces remote write needs: varints, 64-bit doubles and
 * length-delimited fields. Unknown fields are skipped by wire type, as protobuf requires, so newer
 * senders (exemplars, histograms, metadata) still decode.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export class ProtobufError extends Error {}

export class ProtoReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a number; int64 values outside ±2^53 lose precision (timestamps never get there). */
  varint(): number {
    let result = 0;
    let factor = 1;
    const start = this.pos;
    // Up to 7 bytes (49 bits) stay exact in a double; longer ones are read again with BigInt.
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * factor;
      if (byte < 0x80) return result;
      factor *= 128;
    }
    this.pos = start;
    return this.bigVarint();
  }

  private bigVarint(): number {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      // Negative int64 values are ten bytes of two's complement.
      if (byte < 0x80) return Number(BigInt.asIntN(64, result));
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  tag(): { field: number; wire: number } {
    const key = this.varint();
    return { field: Math.floor(key / 8), wire: key & 7 };
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufError('truncated double');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** A length-delimited field as a sub-reader over the same buffer. */
  bytes(): ProtoReader {
    const length = this.varint();
    if (this.pos + length > this.end) throw new ProtobufError('length-delimited field runs past its message');
    const sub = new ProtoReader(this.buf, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  string(): string {
    const sub = this.bytes();
    return this.buf.toString('utf8', sub.pos, sub.end);
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.advance(8);
    else if (wire === WIRE_BYTES) this.bytes();
    else if (wire === WIRE_FIXED32) this.advance(4);
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new ProtobufError('truncated field');
    this.pos += n;
  }
}

/** Appends fields to a growing buffer; nested messages are written first and then embedded. */
export class ProtoWriter {
  private buf = Buffer.allocUnsafe(1024);
  private length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  varint(value: number): this {
    this.ensure(10);
    if (value < 0) {
      // Negative int64: ten bytes of two's complement.
      let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
      while (v >= 0x80n) {
        this.buf[this.length++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.buf[this.length++] = Number(v);
      return this;
    }
    let v = Math.trunc(value);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.length++] = v;
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  double(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.length);
    this.length += 8;
    return this;
  }

  int64(field: number, value: number): this {
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  bytes(field: number, data: Buffer): this {
    this.tag(field, WIRE_BYTES).varint(data.length);
    this.ensure(data.length);
    data.copy(this.buf, this.length);
    this.length += data.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

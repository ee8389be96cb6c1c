import { LineBuffer } from './line-buffer.ts';
import { DEFAULT_MAX_LINE_BYTES, type Frame, type Framer, type FramerOptions } from './types.ts';

const SPACE = 0x20;
const LF = 0x0a;
/** 9 digits allow messages up to ~1 GB; more digits cannot be a sane length, so it is not a header. */
const MAX_LENGTH_DIGITS = 9;

type State = 'start' | 'length' | 'body' | 'line';

/**
 * RFC 6587 octet counting: each message is `<length> <message>` with no terminator.
 *
 * Decided per frame, the way rsyslog does it: a frame that starts with a digit 1–9 followed by
 * digits and a space is counted; anything else (a `<PRI>` from a non-transparent sender, or a
 * broken header) is read up to the next LF instead, so a misbehaving sender degrades to line mode
 * rather than losing data. Stray CR, LF and NUL between frames (senders that add a trailer) are
 * skipped. A counted message longer than `max_line_bytes` is cut and flagged `truncated`; its
 * remaining bytes are still consumed so the next frame starts in the right place.
 */
export class OctetCountingFramer implements Framer {
  private readonly buffer: LineBuffer;
  private state: State = 'start';
  private length = 0;
  private digits = 0;
  private remaining = 0;
  /** The current LF-terminated frame was already emitted truncated; drop bytes until its LF. */
  private skippingLine = false;

  constructor(options: FramerOptions = {}) {
    this.buffer = new LineBuffer(options.max_line_bytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'start':
          i = this.readStart(chunk, i);
          break;
        case 'length':
          i = this.readLength(chunk, i);
          break;
        case 'body':
          i = this.readBody(chunk, i, frames);
          break;
        case 'line':
          i = this.readLine(chunk, i, frames);
          break;
      }
    }
    return frames;
  }

  flush(): Frame[] {
    if (this.state === 'length') this.buffer.append(Buffer.from(String(this.length)));
    const pending = !this.skippingLine && !this.buffer.isEmpty;
    const frames = pending ? [this.finish(this.state !== 'body')] : [];
    this.state = 'start';
    this.skippingLine = false;
    return frames;
  }

  private readStart(chunk: Buffer, i: number): number {
    const byte = chunk[i]!;
    if (byte === LF || byte === 0x0d || byte === 0x00) return i + 1;
    if (byte >= 0x31 && byte <= 0x39) {
      this.state = 'length';
      this.length = 0;
      this.digits = 0;
    } else {
      this.state = 'line';
    }
    return i;
  }

  private readLength(chunk: Buffer, i: number): number {
    const byte = chunk[i]!;
    if (byte >= 0x30 && byte <= 0x39 && this.digits < MAX_LENGTH_DIGITS) {
      this.length = this.length * 10 + (byte - 0x30);
      this.digits++;
      return i + 1;
    }
    if (byte === SPACE) {
      this.state = 'body';
      this.remaining = this.length;
      return i + 1;
    }
    // Not a header after all: the digits read so far are the start of an ordinary line.
    this.buffer.append(Buffer.from(String(this.length)));
    this.state = 'line';
    return i;
  }

  private readBody(chunk: Buffer, i: number, frames: Frame[]): number {
    const take = Math.min(this.remaining, chunk.length - i);
    this.buffer.append(chunk.subarray(i, i + take));
    this.remaining -= take;
    if (this.remaining === 0) {
      frames.push(this.finish(false));
      this.state = 'start';
    }
    return i + take;
  }

  private readLine(chunk: Buffer, i: number, frames: Frame[]): number {
    const lf = chunk.indexOf(LF, i);
    const end = lf === -1 ? chunk.length : lf;
    if (!this.skippingLine) {
      this.buffer.append(chunk.subarray(i, end));
      if (this.buffer.overflowed) {
        frames.push(this.finish(false));
        this.skippingLine = true;
      } else if (lf !== -1) {
        frames.push(this.finish(true));
      }
    }
    if (lf === -1) return chunk.length;
    this.skippingLine = false;
    this.state = 'start';
    return lf + 1;
  }

  private finish(stripCarriageReturn: boolean): Frame {
    const frame = this.buffer.take(stripCarriageReturn);
    // A counted message may carry its sender's trailing newline; it is not part of the message.
    if (!frame.truncated && frame.text.endsWith('\n')) frame.text = frame.text.replace(/\r?\n$/, '');
    return frame;
  }
}

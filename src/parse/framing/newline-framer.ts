import { LineBuffer } from './line-buffer.ts';
import { DEFAULT_MAX_LINE_BYTES, type Frame, type Framer, type FramerOptions } from './types.ts';

const LF = 0x0a;

/**
 * Splits a byte stream on LF. CRLF endings lose their CR. NUL bytes are data, kept as they came.
 * Empty lines are frames too: a blank line can be part of a Python traceback.
 *
 * Over-long lines: once a line passes `max_line_bytes` its first part is emitted straight away,
 * flagged `truncated`, and the rest is skipped up to the next LF. Emitting early keeps memory
 * bounded even when a client never sends a newline.
 */
export class NewlineFramer implements Framer {
  private readonly line: LineBuffer;
  /** The current line was already emitted truncated; drop bytes until its LF. */
  private skipping = false;

  constructor(options: FramerOptions = {}) {
    this.line = new LineBuffer(options.max_line_bytes ?? DEFAULT_MAX_LINE_BYTES);
  }

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      if (!this.skipping) {
        this.line.append(chunk.subarray(start, end));
        if (this.line.overflowed) {
          frames.push(this.line.take(false));
          this.skipping = true;
        } else if (lf !== -1) {
          frames.push(this.line.take(true));
        }
      }
      if (lf === -1) break;
      this.skipping = false;
      start = lf + 1;
    }
    return frames;
  }

  flush(): Frame[] {
    const pending = !this.skipping && !this.line.isEmpty;
    this.skipping = false;
    return pending ? [this.line.take(true)] : [];
  }
}

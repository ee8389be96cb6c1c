/** 256 KiB: long enough for a Java stack trace on one line, short enough to bound memory per connection. */
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024;

/** One unit of input, decoded to text. A framer never parses; it only finds boundaries. */
export interface Frame {
  /** The line or message as UTF-8, invalid sequences replaced with U+FFFD, line terminator removed. */
  text: string;
  /** The input was longer than `max_line_bytes`; `text` holds its first `max_line_bytes` bytes. */
  truncated: boolean;
  /** Bytes received for the frame (without its terminator); for a truncated line, up to the cut. */
  size_bytes: number;
}

/**
 * A framer turns arbitrary chunks of a byte stream into frames. It is stateful: a frame may span
 * any number of chunks. `flush` ends the stream and returns the half frame a client left behind,
 * so a client that disconnects mid-line loses nothing.
 */
export interface Framer {
  push(chunk: Buffer): Frame[];
  flush(): Frame[];
}

export interface FramerOptions {
  /** Longer frames are cut to this many bytes and flagged `truncated`; the remainder is skipped. */
  max_line_bytes?: number;
}

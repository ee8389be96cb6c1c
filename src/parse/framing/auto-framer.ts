import { NewlineFramer } from './newline-framer.ts';
import { OctetCountingFramer } from './octet-counting-framer.ts';
import type { Frame, Framer, FramerOptions } from './types.ts';

export type FramingName = 'newline' | 'octet-counting' | 'auto';

/** Separator bytes held while waiting for the byte that decides the framing. */
const MAX_UNDECIDED_BYTES = 4096;

/**
 * Syslog over TCP comes either octet-counted (`<len> <msg>`) or LF-terminated (`<PRI>…\n`).
 * RFC 6587 §3.4 tells them apart by the first byte of a frame: a digit means a length. The octet
 * counting framer already makes that choice per frame, so `auto` uses it whenever the stream
 * opens with a digit and the cheaper newline framer otherwise.
 */
export class AutoFramer implements Framer {
  private inner: Framer | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly options: FramerOptions = {}) {}

  /** Which framing the stream turned out to use, once its first meaningful byte arrived. */
  get detected(): Exclude<FramingName, 'auto'> | undefined {
    if (this.inner === undefined) return undefined;
    return this.inner instanceof OctetCountingFramer ? 'octet-counting' : 'newline';
  }

  push(chunk: Buffer): Frame[] {
    return this.route(chunk, false);
  }

  flush(): Frame[] {
    const frames = this.inner === undefined && this.heldBytes > 0 ? this.route(Buffer.alloc(0), true) : [];
    return frames.concat(this.inner?.flush() ?? []);
  }

  private route(chunk: Buffer, decideNow: boolean): Frame[] {
    if (this.inner !== undefined) return this.inner.push(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const first = firstMeaningfulByte(chunk);
    // Only separators so far: nothing to decide on yet. Past a few KiB it is not syslog framing.
    if (first === undefined && this.heldBytes <= MAX_UNDECIDED_BYTES && !decideNow) return [];
    const inner = this.decide(first ?? 0x0a);
    const held = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    return inner.push(held);
  }

  private decide(firstByte: number): Framer {
    const octets = firstByte >= 0x31 && firstByte <= 0x39;
    this.inner = octets ? new OctetCountingFramer(this.options) : new NewlineFramer(this.options);
    return this.inner;
  }
}

function firstMeaningfulByte(chunk: Buffer): number | undefined {
  for (const byte of chunk) {
    if (byte !== 0x0a && byte !== 0x0d && byte !== 0x00 && byte !== 0x20) return byte;
  }
  return undefined;
}

export function createFramer(framing: FramingName, options: FramerOptions = {}): Framer {
  switch (framing) {
    case 'newline':
      return new NewlineFramer(options);
    case 'octet-counting':
      return new OctetCountingFramer(options);
    case 'auto':
      return new AutoFramer(options);
  }
}

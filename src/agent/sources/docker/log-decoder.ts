import type { Position } from './position-store.ts';

/**
 * Turns the body of `GET /containers/{id}/logs?timestamps=1` into whole lines. Framing first:
 * without a TTY the body is multiplexed, each message behind an 8-byte header (stream type 1
 * stdout / 2 stderr, 3 zero bytes, big-endian uint32 length); with a TTY it is the raw text.
 * Every message starts with its RFC 3339 time with nanoseconds and a space.
 *
 * Docker cuts lines longer than 16 KiB into parts; each part is a message of its own without the
 * trailing newline, so parts are joined per stream until a part ends with "\n". In a TTY stream the
 * parts run together, so a time stamp exactly 16 KiB into a line starts the next part.
 *
 * Each line carries the position after its last part (see position-store.ts); a decoder created
 * with a position skips the parts up to it, which is how a resume with `since` avoids repeats.
 */

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** UTC epoch milliseconds, the fraction down to the microsecond. */
  ts: number;
  text: string;
  truncated: boolean;
  position: Position;
}

const PART_BYTES = 16 * 1024;
const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) /;
const STREAMS = { 1: 'stdout', 2: 'stderr' } as const;

/** The last second parsed: a container's lines mostly share it, so it is parsed once, not once a line. */
let lastSecond = { text: '', zone: '', ms: NaN };

/** Docker's time stamp as epoch nanoseconds (exact) and milliseconds (for the record). */
export function parseDockerTime(text: string): { ns: bigint; ms: number; length: number } | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  if (m[1] !== lastSecond.text || m[3] !== lastSecond.zone)
    lastSecond = { text: m[1]!, zone: m[3]!, ms: Date.parse(`${m[1]}${m[3]}`) };
  const seconds = lastSecond.ms;
  if (Number.isNaN(seconds)) return undefined;
  const fraction = (m[2] ?? '').padEnd(9, '0');
  const ns = BigInt(seconds) * 1_000_000n + BigInt(fraction);
  return { ns, ms: seconds + Number(fraction) / 1e6, length: m[0].length };
}

interface Partial {
  chunks: string[];
  bytes: number;
  ts: number;
  truncated: boolean;
}

export class LogDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private readonly partial = new Map<string, Partial>();
  private lastNs: bigint;
  private atLast = 0;
  private skip: number;
  /** Parts older than the resume position were delivered: the daemon's `since` already drops them. */
  private readonly floor: bigint;

  constructor(
    private readonly tty: boolean,
    private readonly maxLineBytes: number,
    resume?: Position,
  ) {
    this.lastNs = resume ? BigInt(resume.ns) : -1n;
    this.skip = resume?.n ?? 0;
    this.floor = this.lastNs;
  }

  push(chunk: Buffer): LogEntry[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: LogEntry[] = [];
    if (this.tty) {
      for (let nl = this.pending.indexOf(10); nl !== -1; nl = this.pending.indexOf(10)) {
        this.rawLine(this.pending.subarray(0, nl + 1), out);
        this.pending = this.pending.subarray(nl + 1);
      }
      return out;
    }
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = STREAMS[this.pending[0] as 1 | 2] ?? 'stdout';
      this.part(stream, this.pending.subarray(8, 8 + size).toString('utf8'), out);
      this.pending = this.pending.subarray(8 + size);
    }
    return out;
  }

  /** A TTY line: its parts are found by their time stamps at 16 KiB boundaries. */
  private rawLine(line: Buffer, out: LogEntry[]): void {
    let rest = line;
    for (;;) {
      const head = parseDockerTime(rest.subarray(0, 64).toString('latin1'));
      const next = head ? head.length + PART_BYTES : -1;
      if (head && rest.length > next && parseDockerTime(rest.subarray(next, next + 64).toString('latin1'))) {
        this.part('stdout', rest.subarray(0, next).toString('utf8'), out);
        rest = rest.subarray(next);
        continue;
      }
      return this.part('stdout', rest.toString('utf8'), out);
    }
  }

  private part(stream: 'stdout' | 'stderr', message: string, out: LogEntry[]): void {
    const time = parseDockerTime(message);
    // Without a time stamp (never seen from a real daemon) the part still counts as a line of now.
    const ns = time?.ns ?? this.lastNs;
    if (ns < this.floor) return;
    if (ns === this.lastNs) this.atLast++;
    else {
      this.lastNs = ns;
      this.atLast = 1;
      this.skip = 0;
    }
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    let text = time ? message.slice(time.length) : message;
    const complete = text.endsWith('\n');
    if (complete) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
    const partial = this.partial.get(stream);
    // Most lines are one part and far below the limit (a UTF-16 unit is at most 3 UTF-8 bytes).
    if (partial === undefined && complete && text.length * 3 <= this.maxLineBytes) {
      out.push(this.entry(stream, time?.ms ?? Date.now(), text, false));
      return;
    }
    const held = partial ?? {
      chunks: [],
      bytes: 0,
      ts: time?.ms ?? Date.now(),
      truncated: false,
    };
    const room = this.maxLineBytes - held.bytes;
    if (Buffer.byteLength(text) > room) {
      text = Buffer.from(text)
        .subarray(0, Math.max(0, room))
        .toString('utf8')
        .replace(/\uFFFD$/, '');
      held.truncated = true;
    }
    held.chunks.push(text);
    held.bytes += Buffer.byteLength(text);
    if (!complete) {
      this.partial.set(stream, held);
      return;
    }
    this.partial.delete(stream);
    out.push(this.entry(stream, held.ts, held.chunks.join(''), held.truncated));
  }

  /** A whole line, at the position after its last part. */
  private entry(stream: LogEntry['stream'], ts: number, text: string, truncated: boolean): LogEntry {
    return { stream, ts, text, truncated, position: { ns: String(this.lastNs), n: this.atLast } };
  }
}

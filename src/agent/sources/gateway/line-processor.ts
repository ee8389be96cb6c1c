import type { ComponentCounters, Telemetry } from '../../../core/telemetry.ts';
import type { LogRecord } from '../../../model/index.ts';
import {
  createFramer,
  MultilineJoiner,
  parseFrame,
  type FormatChoice,
  type Framer,
} from '../../../parse/index.ts';
import type { ListenerConfig } from './config.ts';

export interface StreamContext {
  host: string;
  source: string;
}

/**
 * One input stream (a TCP connection, or one UDP datagram) from bytes to finished records:
 * framer → parser (auto or pinned) → multiline joiner. Counts per listener what it received,
 * how each line parsed, and what was truncated or not understood.
 */
export class LineProcessor {
  private readonly framer: Framer;
  private readonly joiner: MultilineJoiner | undefined;
  private readonly format: FormatChoice;

  constructor(
    private readonly listener: ListenerConfig,
    private readonly context: StreamContext,
    private readonly stats: ListenerStats,
  ) {
    this.framer = createFramer(listener.framing, { max_line_bytes: listener.max_line_bytes });
    this.format = listener.format as FormatChoice;
    const { multiline } = listener;
    this.joiner = multiline.enabled
      ? new MultilineJoiner({ max_lines: multiline.max_lines, max_bytes: multiline.max_bytes })
      : undefined;
  }

  /** Records completed by this chunk. */
  push(chunk: Buffer, now: number): LogRecord[] {
    this.stats.bytes += chunk.length;
    return this.records(this.framer.push(chunk), now);
  }

  /** Traces whose stream was quiet for the flush timeout. */
  flushIdle(now: number): LogRecord[] {
    return this.joiner?.flushIdle(now, this.listener.multiline.flush_timeout_ms) ?? [];
  }

  get pending(): number {
    return this.joiner?.pending ?? 0;
  }

  /** The stream ended: the half line a client left behind and any pending trace. */
  end(now: number): LogRecord[] {
    const records = this.records(this.framer.flush(), now);
    return this.joiner ? records.concat(this.joiner.flush()) : records;
  }

  private records(frames: ReturnType<Framer['push']>, now: number): LogRecord[] {
    if (frames.length === 0) return [];
    const ctx = { received_ts: now, host: this.context.host, source: this.context.source };
    const out: LogRecord[] = [];
    const stats = this.stats;
    for (const frame of frames) {
      const record = parseFrame(frame, ctx, this.format);
      stats.lines++;
      if (record.truncated) stats.truncated++;
      if (record.parse_error) stats.parseErrors++;
      const format = record.format ?? 'unparsed';
      stats.formats.set(format, (stats.formats.get(format) ?? 0) + 1);
      if (this.joiner) {
        for (const done of this.joiner.push(record)) out.push(done);
      } else out.push(record);
    }
    return out;
  }
}

/**
 * Counts kept as plain numbers on the hot path and published to telemetry in one go per chunk,
 * so a line costs no label lookups.
 */
export class ListenerStats {
  lines = 0;
  bytes = 0;
  truncated = 0;
  parseErrors = 0;
  readonly formats = new Map<string, number>();

  constructor(
    private readonly telemetry: Telemetry,
    private readonly counters: ComponentCounters,
    private readonly listener: string,
  ) {}

  publish(): void {
    if (this.lines === 0 && this.bytes === 0) return;
    this.counters.received(this.lines, this.bytes);
    const labels = { listener: this.listener };
    if (this.truncated)
      this.telemetry.add(
        'gateway_truncated_lines_total',
        'Lines cut at max_line_bytes.',
        labels,
        this.truncated,
      );
    if (this.parseErrors) {
      this.telemetry.add(
        'gateway_parse_errors_total',
        'Lines no parser understood, kept as received.',
        labels,
        this.parseErrors,
      );
    }
    for (const [format, n] of this.formats) {
      this.telemetry.add(
        'gateway_parsed_lines_total',
        'Lines by the format they parsed as.',
        { ...labels, format },
        n,
      );
    }
    this.lines = this.bytes = this.truncated = this.parseErrors = 0;
    this.formats.clear();
  }
}

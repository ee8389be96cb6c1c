/**
 * The agent's disk buffer: a durable, bounded FIFO of opaque entries with explicit acknowledgement.
 *
 * On disk, in one directory:
 *
 *   00000000000000000001.seg   append-only segment files, named after their first record id
 *   00000000000000004097.seg   (see record.ts for the record layout: length, CRC-32, id, time, payload)
 *   ledger.json                {"acked_id": N, "cursors": {…}}: every id ≤ N was delivered to every
 *                              consumer, and each consumer's own position; replaced atomically
 *
 * Invariants:
 * - Record ids are assigned in write order and increase by one within a segment; segments are in
 *   id order. Ids may jump between segments only where damage was cut away.
 * - An append resolves only after the fdatasync covering its record; a reader only sees records that
 *   far. Hence a torn or damaged tail can only hold records nobody was told about (or, for bit rot
 *   on older segments, records the checksum rejects), and cutting it loses nothing promised.
 * - Segments are written one at a time and each is fully synced before the next is created, so
 *   only the last segment can end in a torn write.
 * - A segment is deleted only once the ledger durably covers its last id; a crash between the two
 *   leaves a segment that the next open deletes.
 * - Each consumer (one per sink) has its own read cursor, in memory, and its own acked position, in
 *   the ledger; the buffer's acked id is the lowest of them, so a segment stays until every consumer
 *   acknowledged it, and a consumer that is down holds the others back by nothing but disk space.
 *   A read cursor starts after its consumer's acked id: after a restart, everything that consumer
 *   did not acknowledge is delivered again (the batch id inside lets the server drop a repeat).
 * - Disk use (segment bytes plus accepted-but-unwritten appends) never exceeds max_size_bytes.
 */
import { mkdir } from 'node:fs/promises';
import { createLogger, type Logger } from '../../core/logger.ts';
import { componentCounters, type ComponentCounters, type Telemetry } from '../../core/telemetry.ts';
import { oldestTimestamp, registerBufferGauges, span, type BufferStats } from './buffer-stats.ts';
import { parseBufferConfig, type BufferConfig, type BufferConfigInput } from './config.ts';
import { BufferError, closedError, entryTooLargeError } from './errors.ts';
import { GroupCommit } from './group-commit.ts';
import { Ledger } from './ledger.ts';
import { Reader, type ReadOptions } from './reader.ts';
import { HEADER_BYTES, MAX_PAYLOAD_BYTES } from './record.ts';
import { recoverSegments, type Recovered } from './recover.ts';
import { takeAcked, type ReadEntry, type Segment } from './segment.ts';
import { SpaceGate } from './space-gate.ts';

export interface DiskBufferOptions {
  dir: string;
  /** `agent.buffer`; validated here, so raw input is fine. */
  config?: BufferConfigInput;
  telemetry?: Telemetry;
  log?: Logger;
  /** `component_id` on the buffer's counters. */
  id?: string;
  /**
   * Names of the consumers that drain the buffer, each at its own position (default: one,
   * `default`). read()/ack() act for the first; consumer(name) gives the others.
   */
  consumers?: readonly string[];
}

/** One consumer's view of the buffer: its own read cursor and acknowledged position. */
export interface BufferConsumer {
  readonly name: string;
  read(maxEntries: number, maxBytes: number, options?: ReadOptions): Promise<ReadEntry[]>;
  ack(id: number): Promise<void>;
  rewind(): void;
}

interface Cursor {
  acked: number;
  readonly reader: Reader;
}

export type AppendResult = { id: number } | { dropped: true };

export class DiskBuffer {
  readonly config: BufferConfig;
  private readonly segments: Segment[];
  private readonly writer: GroupCommit;
  private readonly cursors = new Map<string, Cursor>();
  private readonly first: Cursor;
  private readonly gate: SpaceGate;
  private readonly counters: ComponentCounters | undefined;
  /** Acknowledged in memory; the ledger catches up before ack() resolves. */
  private acked: number;
  private droppedFull = 0;
  private corruptSkipped = 0;
  private readonly tornTails: number;
  private closed = false;
  private closing: Promise<void> | undefined;
  private unregisterGauges: (() => void) | undefined;

  /** Opens (creating if needed) the buffer in `dir`, repairing whatever a crash left behind. */
  static async open(options: DiskBufferOptions): Promise<DiskBuffer> {
    const config = parseBufferConfig(options.config ?? {});
    const log = options.log ?? createLogger('silent', 'json');
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const { ledger, acked, cursors, problem } = await Ledger.open(options.dir);
    if (problem !== undefined) {
      log.warn({ dir: options.dir, problem }, 'disk buffer: ledger unreadable, re-sending all entries');
    }
    const recovered = await recoverSegments(options.dir, acked);
    return new DiskBuffer(options, config, log, ledger, recovered, cursors ?? {});
  }

  private constructor(
    options: DiskBufferOptions,
    config: BufferConfig,
    private readonly log: Logger,
    private readonly ledger: Ledger,
    recovered: Recovered,
    savedCursors: Record<string, number>,
  ) {
    this.config = config;
    this.segments = recovered.segments;
    this.acked = recovered.acked;
    this.tornTails = recovered.damages.length;
    // Space comes back a whole segment at a time; small segments keep that smooth on a small buffer.
    const segmentBytes = Math.min(config.max_segment_bytes, Math.floor(config.max_size_bytes / 4));
    this.writer = new GroupCommit(
      options.dir,
      this.segments,
      recovered.nextId,
      segmentBytes,
      () => {
        for (const cursor of this.cursors.values()) cursor.reader.wake();
      },
      () => this.collectInBackground(),
    );
    for (const name of options.consumers?.length ? options.consumers : ['default']) {
      // A consumer the ledger does not know (a sink added since) starts where all others agree.
      const acked = Math.min(Math.max(savedCursors[name] ?? this.acked, this.acked), this.writer.next - 1);
      this.cursors.set(name, {
        acked,
        reader: new Reader(this.segments, () => this.lastId, this.onCorrupt, acked + 1),
      });
    }
    this.first = this.cursors.values().next().value!;
    this.gate = new SpaceGate(
      config.max_size_bytes,
      this.segments.reduce((sum, segment) => sum + segment.size, 0),
    );
    if (options.telemetry) {
      this.counters = componentCounters(options.telemetry, 'buffer', options.id ?? 'disk');
      this.unregisterGauges = registerBufferGauges(options.telemetry, options.id ?? 'disk', () =>
        this.stats(),
      );
    }
    for (const damage of recovered.damages) {
      this.counters?.error('open', 'torn_tail');
      log.warn({ ...damage }, 'disk buffer: cut a torn or damaged segment tail');
    }
  }

  private get lastId(): number {
    return this.writer.next - 1;
  }

  /**
   * Stores `data` durably. Resolves with its id once fsynced; `{ dropped: true }` when full under
   * `drop_newest`; waits for space under `block`. Rejects with BufferError BE_BUFFER_ENTRY_TOO_LARGE
   * for an entry that could never fit, BE_BUFFER_CLOSED after close(), or the file system's error.
   */
  async append(data: Buffer): Promise<AppendResult> {
    if (this.closed) throw closedError();
    const bytes = HEADER_BYTES + data.length;
    if (bytes > this.config.max_size_bytes || data.length > MAX_PAYLOAD_BYTES) {
      throw entryTooLargeError(data.length, this.config.max_size_bytes);
    }
    if (!this.gate.tryTake(bytes)) {
      if (this.config.when_full === 'drop_newest') {
        this.droppedFull += 1;
        this.counters?.discarded('buffer_full', 1);
        return { dropped: true };
      }
      await this.gate.take(bytes);
      if (this.closed) {
        this.gate.release(bytes);
        throw closedError();
      }
    }
    try {
      const id = await this.writer.append(data);
      this.counters?.received(1, data.length);
      return { id };
    } catch (err) {
      this.gate.release(bytes);
      this.counters?.error('append', 'write');
      throw err;
    }
  }

  /**
   * The next entries after the read cursor, in id order, advancing it. Waits while there are none;
   * resolves [] only when `options.signal` aborts, `wait` is false, or the buffer closes — so a
   * consumer loop ends on an empty result.
   */
  read(maxEntries: number, maxBytes: number, options: ReadOptions = {}): Promise<ReadEntry[]> {
    return this.first.reader.read(maxEntries, maxBytes, options);
  }

  /** Resolves when read() has something, when `signal` aborts, or when the buffer closes. */
  waitForData(signal?: AbortSignal): Promise<void> {
    return this.first.reader.waitForData(signal);
  }

  /** Moves the read cursor back to just after the acked id: unacknowledged entries are read again. */
  rewind(): void {
    this.first.reader.readId = this.first.acked + 1;
  }

  /** The named consumer (one of `options.consumers`). */
  consumer(name: string): BufferConsumer {
    const cursor = this.cursors.get(name);
    if (!cursor) {
      throw new BufferError(
        'BE_BUFFER_ACK_RANGE',
        `no consumer "${name}": known are ${[...this.cursors.keys()].join(', ')}`,
      );
    }
    return {
      name,
      read: (maxEntries, maxBytes, options = {}) => cursor.reader.read(maxEntries, maxBytes, options),
      ack: (id) => this.ackFor(cursor, id),
      rewind: () => {
        cursor.reader.readId = cursor.acked + 1;
      },
    };
  }

  /** Each consumer's acknowledged id and read cursor. */
  consumerStats(): Record<string, { acked_id: number; read_id: number; entries: number }> {
    const out: Record<string, { acked_id: number; read_id: number; entries: number }> = {};
    for (const [name, cursor] of this.cursors) {
      out[name] = {
        acked_id: cursor.acked,
        read_id: cursor.reader.readId,
        entries: span(this.segments, cursor.acked, this.lastId).entries,
      };
    }
    return out;
  }

  /**
   * Acknowledges every entry up to and including `id`; resolves once that is durable, after which
   * segments holding only acknowledged entries are deleted. Acking past the read cursor moves it.
   */
  ack(id: number): Promise<void> {
    return this.ackFor(this.first, id);
  }

  private async ackFor(cursor: Cursor, id: number): Promise<void> {
    if (this.closed) throw closedError();
    if (!Number.isSafeInteger(id) || id < 0 || id > this.lastId) {
      throw new BufferError('BE_BUFFER_ACK_RANGE', `cannot ack id ${id}: the last id is ${this.lastId}`);
    }
    if (id > cursor.acked) {
      cursor.acked = id;
      if (cursor.reader.readId <= id) cursor.reader.readId = id + 1;
    }
    const lowest = Math.min(...[...this.cursors.values()].map((c) => c.acked));
    if (lowest > this.acked) {
      const done = span(this.segments, this.acked, lowest);
      this.counters?.sent(done.entries, done.bytes);
      this.acked = lowest;
    }
    if (this.cursors.size === 1) await this.ledger.persist(this.acked);
    else {
      const positions: Record<string, number> = {};
      for (const [name, c] of this.cursors) positions[name] = c.acked;
      await this.ledger.persist(this.acked, positions);
    }
    await this.collect();
  }

  stats(): BufferStats {
    const backlog = span(this.segments, this.acked, this.lastId);
    return {
      entries: backlog.entries,
      bytes: backlog.bytes,
      disk_bytes: this.segments.reduce((sum, segment) => sum + segment.size, 0),
      oldest_append_ts: oldestTimestamp(this.segments, this.acked),
      acked_id: this.acked,
      last_id: this.lastId,
      read_id: this.first.reader.readId,
      dropped_full: this.droppedFull,
      torn_tail_truncations: this.tornTails,
      corrupt_skipped: this.corruptSkipped,
    };
  }

  /**
   * Lets queued appends and acks finish, fails appends still waiting for space, ends waiting reads
   * with [], and closes the files. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.unregisterGauges?.();
      this.gate.close();
      await this.writer.flushed();
      await Promise.all([...this.cursors.values()].map((cursor) => cursor.reader.stop()));
      await this.ledger.settle();
      await Promise.all(this.segments.map((segment) => segment.close()));
    })();
    return this.closing;
  }

  /** Deletes segments the ledger durably covers and frees their space; see `takeAcked`. */
  private async collect(): Promise<void> {
    for (const segment of takeAcked(this.segments, this.ledger.durableId, this.writer.idle)) {
      await segment.remove().catch((err: unknown) => {
        this.log.error({ err, file: segment.file }, 'disk buffer: segment not deleted; next start will');
      });
      this.gate.release(segment.size);
    }
  }

  private collectInBackground(): void {
    if (!this.closed) this.collect().catch(() => undefined);
  }

  private readonly onCorrupt = (id: number, reason: string): void => {
    this.corruptSkipped += 1;
    this.counters?.error('read', 'checksum');
    this.log.error({ id, reason }, 'disk buffer: skipped an entry that failed its checksum when read back');
  };
}

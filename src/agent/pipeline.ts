import path from 'node:path';
import type { Logger } from '../core/logger.ts';
import { componentCounters, type ComponentCounters, type Telemetry } from '../core/telemetry.ts';
import {
  batchId,
  type ClusterEvent,
  type IngestBatch,
  type LogRecord,
  type MetricSample,
} from '../model/index.ts';
import { DiskBuffer, type AppendResult, type BufferConfigInput } from './buffer/index.ts';
import { encodeBatch, fromEntry, toEntry } from './encoded-batch.ts';
import { RecentBatches } from './recent-batches.ts';
import type { BatchSequence } from './sequence.ts';
import { Shipper } from './shipper.ts';
import type { Sink } from './sinks/sink.ts';
import type { Emit, Emitted, Flow } from './sources/source.ts';
import { CatchUpLog } from './status/catch-up.ts';
import { registerDrainGauges, SinkStatus } from './status/sink-status.ts';

export interface PipelineOptions {
  /** Names this pipeline in counters and its buffer directory: `default`, or `token-<hash>`. */
  id: string;
  sink: Sink;
  /**
   * More sinks fed from the same disk buffer (elasticsearch, file, …), each from its own position,
   * so one that is down holds back none of the others. Consumers are named by sink kind.
   */
  extraSinks?: readonly Sink[];
  sequence: BatchSequence;
  hostName: string;
  version: string;
  telemetry: Telemetry;
  log: Logger;
  /** The disk buffer lives in `<bufferDir>/<id>`. */
  bufferDir: string;
  buffer?: BufferConfigInput;
  maxQueueEvents: number;
  batchMaxEvents: number;
  batchMaxWaitMs: number;
  /** gzip level of the buffered batches (default 1). */
  batchGzipLevel?: number;
  retryInitialBackoffMs: number;
  retryMaxBackoffMs: number;
  /** How often a draining backlog logs its progress (default 10 s). */
  catchUpLogIntervalMs?: number;
}

interface Chunk {
  metrics: MetricSample[];
  logs: LogRecord[];
  events: ClusterEvent[];
  onDurable: (() => void) | undefined;
  /** The emitting source's position after this chunk, under `<source id>` or `<source id>/<key>`. */
  checkpoint: { source: string; value: string } | undefined;
}

/**
 * Sources → bounded memory staging → batches → disk buffer → shipper → sink.
 *
 * Records wait in memory for at most `batchMaxWaitMs` (or until a batch is full); staging holds
 * at most `maxQueueEvents` records, and `room()` tells sources that can wait when it is full, so
 * they pause instead of losing records (those that cannot wait are dropped and counted). A cut batch
 * gets its id, is encoded once and appended to the disk buffer in cut order; only when that append
 * is on disk do the sources' `onDurable` callbacks run. The shipper sends from the buffer, so a
 * restart resends what the server never acknowledged, with the same batch id.
 */
export class Pipeline {
  private readonly pending: Chunk[] = [];
  private pendingCount = 0;
  /** Records cut into batches whose append has not finished yet. */
  private appendingCount = 0;
  private appendChain: Promise<void> = Promise.resolve();
  /** What follows each append's fsync (callbacks, checkpoints), in cut order. */
  private settled: Promise<void> = Promise.resolve();
  private readonly recent: RecentBatches;
  private flushTimer: NodeJS.Timeout | undefined;
  private roomWaiters: Array<() => void> = [];
  private stopping: Promise<void> | undefined;
  private readonly counters: ComponentCounters;
  private readonly countLogs: (by?: number) => void;
  private readonly shippers: Shipper[];
  private readonly unregisterGauge: () => void;
  private readonly unregisterDrainGauges: () => void;
  private readonly catchUp: CatchUpLog;
  /** The primary sink's status (the first of sinkStatuses). */
  readonly sinkStatus: SinkStatus;
  readonly sinkStatuses: SinkStatus[];
  /** Each source's newest position that is safe in the disk buffer, by source id. */
  readonly positions = new Map<string, string>();

  private constructor(
    private readonly options: PipelineOptions,
    readonly buffer: DiskBuffer,
    private readonly recovered: ReadonlyMap<string, string>,
  ) {
    this.counters = componentCounters(options.telemetry, 'pipeline', options.id);
    this.countLogs = options.telemetry.counter(
      'agent_received_log_records_total',
      'Log records (lines) the agent took in.',
      { pipeline: options.id },
    );
    for (const [source, value] of recovered) this.positions.set(source, value);
    // One shipper per sink, each on its own position in the buffer and with its own status.
    const sinks = sinksOf(options);
    // Room for a few batches: enough for shippers that keep up, little memory when they do not.
    this.recent = new RecentBatches(4 * options.batchMaxEvents, sinks.length);
    this.sinkStatuses = sinks.map((sink) => new SinkStatus(sink.id));
    this.sinkStatus = this.sinkStatuses[0]!;
    this.shippers = sinks.map(
      (sink, i) =>
        new Shipper({
          status: this.sinkStatuses[i]!,
          buffer: buffer.consumer(sink.kind),
          recent: this.recent,
          sink,
          counters: componentCounters(options.telemetry, 'sink', sink.id),
          log: options.log,
          retryInitialBackoffMs: options.retryInitialBackoffMs,
          retryMaxBackoffMs: options.retryMaxBackoffMs,
          onProgress: () => this.wakeRoomWaiters(),
        }),
    );
    this.unregisterGauge = options.telemetry.gauge(
      'agent_queue_events',
      'Records in the agent waiting to be written to its disk buffer.',
      () => [{ labels: { pipeline: options.id }, value: this.backlog }],
    );
    const removers = this.sinkStatuses.map((status) =>
      registerDrainGauges(options.telemetry, options.id, status),
    );
    this.unregisterDrainGauges = () => removers.forEach((remove) => remove());
    // Progress of a long catch-up is told for the primary sink (the Birdseye server when set).
    this.catchUp = new CatchUpLog(
      () => buffer.stats(),
      this.sinkStatus,
      options.log,
      options.catchUpLogIntervalMs ?? 10_000,
    );
    for (const shipper of this.shippers) shipper.start();
    this.catchUp.start();
  }

  /** Opens the pipeline's disk buffer (repairing what a crash left) and starts shipping from it. */
  static async open(options: PipelineOptions): Promise<Pipeline> {
    const buffer = await DiskBuffer.open({
      dir: path.join(options.bufferDir, options.id),
      config: options.buffer ?? {},
      telemetry: options.telemetry,
      log: options.log,
      id: options.id,
      consumers: sinksOf(options).map((sink) => sink.kind),
    });
    return new Pipeline(options, buffer, await recoverCheckpoints(buffer));
  }

  /** What a source gets to pace itself, with the newest checkpoint of its own found in the buffer. */
  flow(sourceId: string): Flow {
    return {
      room: (n) => this.room(n),
      flush: () => this.cut(true),
      capacity: this.capacity,
      batchCapacity: this.options.batchMaxEvents,
      recoveredCheckpoint: this.recovered.get(sourceId),
      recoveredCheckpoints: new Map(
        [...this.recovered]
          .filter(([key]) => key.startsWith(`${sourceId}/`))
          .map(([key, value]) => [key.slice(sourceId.length + 1), value]),
      ),
    };
  }

  /** The emit function for one source: its checkpoints are stored under its id. */
  emitFor(sourceId: string): Emit {
    return (records, onDurable) => this.accept(records, onDurable, sourceId);
  }

  get id(): string {
    return this.options.id;
  }

  get capacity(): number {
    return this.options.maxQueueEvents;
  }

  /** Records held in memory (not yet on disk). */
  get backlog(): number {
    return this.pendingCount + this.appendingCount;
  }

  /**
   * See `Flow`: undefined when `n` more records fit now, else a promise that settles when space
   * may be free. Two limits: the records not yet on disk (`maxQueueEvents`), and, while every
   * shipper is in step (delivering what was just written, from memory), the records held for
   * them: a source that can wait is then held to the sinks' pace instead of racing ahead until
   * the batches it pushed out of memory must be read back from disk and parsed again, which costs
   * about what encoding them did. A sink that fails or falls behind for real sets no pace: the
   * sources then fill the disk buffer as fast as they can, as the buffer is for.
   */
  room(n: number): Promise<void> | undefined {
    // A chunk bigger than the whole queue goes in once the queue is empty (its excess is counted).
    const fits = this.backlog + n <= this.options.maxQueueEvents || this.backlog === 0;
    if (fits && !this.aheadOfShippers(n)) return undefined;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Records staged, being written and written but not yet read by every shipper, past its bound. */
  private aheadOfShippers(n: number): boolean {
    const held = this.recent.size + this.backlog;
    if (this.stopping || held === 0 || held + n <= this.recent.maxRecords) return false;
    return this.shippers.every((shipper) => shipper.inStep);
  }

  private wakeRoomWaiters(): void {
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }

  /**
   * Takes what fits; returns false if anything was dropped. `onDurable` runs once every record of
   * this call is in the disk buffer; never if some were dropped, so the source reads them again.
   */
  accept(records: Emitted, onDurable?: () => void, sourceId?: string): boolean {
    let room = this.stopping ? 0 : this.options.maxQueueEvents - this.backlog;
    let dropped = 0;
    const take = <T>(items: T[] | undefined): T[] => {
      if (!items?.length) return [];
      const n = Math.max(0, Math.min(room, items.length));
      room -= n;
      dropped += items.length - n;
      return n === items.length ? items.slice() : items.slice(0, n);
    };
    const chunk: Chunk = {
      metrics: take(records.metrics),
      logs: take(records.logs),
      events: take(records.events),
      onDurable: undefined,
      checkpoint: undefined,
    };
    const size = chunk.metrics.length + chunk.logs.length + chunk.events.length;
    if (dropped > 0) this.counters.discarded(this.stopping ? 'shutdown' : 'queue_full', dropped);
    else {
      chunk.onDurable = onDurable;
      if (records.checkpoint !== undefined && sourceId !== undefined) {
        const key = records.checkpointKey === undefined ? '' : `/${records.checkpointKey}`;
        chunk.checkpoint = { source: `${sourceId}${key}`, value: records.checkpoint };
      }
    }
    if (size > 0 || chunk.onDurable || chunk.checkpoint) {
      this.pending.push(chunk);
      this.pendingCount += size;
      this.counters.received(size);
      if (chunk.logs.length > 0) this.countLogs(chunk.logs.length);
    }
    if (this.pendingCount >= this.options.batchMaxEvents) this.cut(false);
    if (this.pending.length > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.cut(true), this.options.batchMaxWaitMs);
    }
    return dropped === 0;
  }

  /**
   * Turns pending chunks into batches of at most batchMaxEvents (or one chunk with a position, if
   * larger), in arrival order: only full batches, or with `all` the remainder too (when the wait is
   * over or on stop).
   */
  private cut(all: boolean): void {
    if (all) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    while (this.pending.length > 0 && (all || this.pendingCount >= this.options.batchMaxEvents)) {
      const metrics: MetricSample[] = [];
      const logs: LogRecord[] = [];
      const events: ClusterEvent[] = [];
      const done: Array<() => void> = [];
      let checkpoints: Record<string, string> | undefined;
      let room = this.options.batchMaxEvents;
      const move = <T>(from: T[], into: T[]) => {
        const part = from.splice(0, room);
        into.push(...part);
        room -= part.length;
      };
      while (this.pending.length > 0 && room > 0) {
        const chunk = this.pending[0]!;
        // A chunk that carries a position is never split: a batch holding only its first part
        // would be delivered without the position, and after a crash the source would read (and
        // send) that part again. It starts the next batch, or overfills an empty one.
        if (chunk.onDurable || chunk.checkpoint) {
          const count = chunk.metrics.length + chunk.logs.length + chunk.events.length;
          if (count > room && room < this.options.batchMaxEvents) break;
          room = Math.max(room, count);
        }
        move(chunk.metrics, metrics);
        move(chunk.logs, logs);
        move(chunk.events, events);
        if (chunk.metrics.length + chunk.logs.length + chunk.events.length > 0) break;
        this.pending.shift();
        if (chunk.onDurable) done.push(chunk.onDurable);
        if (chunk.checkpoint) (checkpoints ??= {})[chunk.checkpoint.source] = chunk.checkpoint.value;
      }
      const size = metrics.length + logs.length + events.length;
      const seq = this.options.sequence.take();
      const agentId = this.options.sequence.agentId;
      const batch = {
        batch_id: batchId(agentId, seq),
        agent_id: agentId,
        seq,
        host: this.options.hostName,
        agent_version: this.options.version,
        sent_ts: Date.now(),
        metrics,
        logs,
        events,
      };
      this.pendingCount -= size;
      this.appendingCount += size;
      // Encoding starts now (gzip runs on libuv's threads, several batches at once); the appends
      // are issued in cut order, so batches get their buffer ids (and acknowledge their sources)
      // in cut order.
      const empty = size === 0 && checkpoints === undefined;
      const entry = empty
        ? undefined
        : encodeBatch(batch, checkpoints, this.options.batchGzipLevel).then(toEntry);
      entry?.catch(() => undefined);
      this.appendChain = this.appendChain.then(() => this.persist(batch, size, done, checkpoints, entry));
    }
  }

  /**
   * Hands the batch's entry to the disk buffer without waiting for its fsync, so the batches cut
   * meanwhile join the same group commit; what follows durability runs in order in `settled`.
   */
  private async persist(
    batch: IngestBatch,
    size: number,
    done: Array<() => void>,
    checkpoints: Record<string, string> | undefined,
    entry: Promise<Buffer> | undefined,
  ): Promise<void> {
    // A batch with no records but a checkpoint is still written: it carries the position.
    let appended: Promise<AppendResult | undefined> = Promise.resolve(undefined);
    if (entry) {
      const data = await entry.catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      );
      // append() queues its entry before its first await, so the next batch's entry queues behind it.
      appended = data instanceof Error ? Promise.reject(data) : this.buffer.append(data);
    }
    appended.catch(() => undefined);
    this.settled = this.settled.then(() => this.afterAppend(appended, batch, size, done, checkpoints));
  }

  private async afterAppend(
    appended: Promise<AppendResult | undefined>,
    batch: IngestBatch,
    size: number,
    done: Array<() => void>,
    checkpoints: Record<string, string> | undefined,
  ): Promise<void> {
    try {
      const result = await appended;
      if (result && 'dropped' in result) this.counters.discarded('buffer_full', size);
      else {
        if (result) this.recent.add(result.id, batch);
        for (const [source, value] of Object.entries(checkpoints ?? {})) this.positions.set(source, value);
        for (const callback of done) callback();
      }
    } catch (error) {
      this.counters.error('buffer', (error as NodeJS.ErrnoException).code ?? 'append_failed');
      this.counters.discarded('buffer_error', size);
      this.options.log.error(
        { err: error, events: size },
        'cannot write to the disk buffer; these events are lost',
      );
    }
    this.appendingCount -= size;
    this.wakeRoomWaiters();
  }

  /**
   * Writes what is staged to the disk buffer, gives the shipper up to `deadlineMs` to deliver it,
   * then stops; what is not delivered stays on disk and is sent on the next start. Safe to call twice.
   */
  stop(deadlineMs: number): Promise<void> {
    this.stopping ??= (async () => {
      this.cut(true);
      await this.appendChain;
      await this.settled;
      this.wakeRoomWaiters();
      const deadline = Date.now() + deadlineMs;
      while (this.buffer.stats().entries > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await Promise.all(this.shippers.map((shipper) => shipper.stop()));
      const left = this.buffer.stats().entries;
      if (left > 0) {
        this.options.log.warn(
          { batches: left },
          'stopping with batches the server has not acknowledged; they stay in the disk buffer and are sent on the next start',
        );
      }
      this.catchUp.stop();
      this.unregisterGauge();
      this.unregisterDrainGauges();
      await this.buffer.close();
    })();
    return this.stopping;
  }
}

function sinksOf(options: PipelineOptions): Sink[] {
  const sinks = [options.sink, ...(options.extraSinks ?? [])];
  const kinds = sinks.map((sink) => sink.kind);
  if (new Set(kinds).size !== kinds.length) {
    throw new Error(`one sink of each kind per pipeline; got ${kinds.join(', ')}`);
  }
  return sinks;
}

/**
 * Reads the headers of every unacknowledged entry for the newest checkpoint per source, then
 * rewinds so the shipper sends them all. A source that saved its own position in the moment
 * between the buffer write and a crash would otherwise read those records again.
 */
async function recoverCheckpoints(buffer: DiskBuffer): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (;;) {
    const entries = await buffer.read(256, 16 * 1024 * 1024, { wait: false });
    if (entries.length === 0) break;
    for (const entry of entries) {
      for (const [source, value] of Object.entries(fromEntry(entry.data).checkpoints ?? {}))
        found.set(source, value);
    }
  }
  buffer.rewind();
  return found;
}

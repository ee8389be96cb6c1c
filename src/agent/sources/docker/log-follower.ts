import type { ComponentCounters } from '../../../core/telemetry.ts';
import type { LogRecord } from '../../../model/index.ts';
import { MultilineJoiner, parseLine } from '../../../parse/index.ts';
import type { Emit, Flow } from '../source.ts';
import { containerRef, containerService, type ContainerInfo } from './catalog.ts';
import type { DockerLogsConfig } from './config.ts';
import type { EngineClient } from './engine-client.ts';
import type { PacedStream, ReadPacer } from './paced-stream.ts';
import { LogDecoder, type LogEntry } from './log-decoder.ts';
import { encodePosition, sinceParam, type Position, type PositionStore } from './position-store.ts';

/**
 * Follows one container's stdout and stderr until it stops. Invariants:
 *
 * - Order: records leave in the order the daemon sent the lines; reading stops (the stream is
 *   held, so the daemon blocks) while the pipeline has no room.
 * - Position: a chunk's onDurable commits the position after the last line known to be inside
 *   an emitted record; the same position rides into the disk buffer as the chunk's checkpoint. A stack trace joined by the multiline joiner is known complete only when
 *   the next record leaves, so its tail is committed with that record (or at the idle flush).
 * - A reconnect inside a running agent resumes after the last line *read*; an agent start
 *   resumes from the committed position.
 */

const CHUNK_RECORDS = 100;
const REFUSED_RETRY_MS = 200;

export interface FollowerDeps {
  client: EngineClient;
  config: DockerLogsConfig;
  host: string;
  positions: PositionStore;
  emit: Emit;
  flow: Flow;
  counters: ComponentCounters;
  /** Wakes every follower's stream once per `read_interval_ms`. */
  pacer: ReadPacer;
}

interface Input {
  fields: object;
  record: LogRecord;
  position: Position;
}

export class LogFollower {
  private stream: PacedStream | undefined;
  private readonly joiner: MultilineJoiner;
  private inputs: Input[] = [];
  private done: Position | undefined;
  private lastRead: Position | undefined;
  /** Records out of the joiner, waiting for the chunk they go into. */
  private gathered: LogRecord[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  // What every record of this container carries; the container does not change while followed.
  private readonly service: string;
  private readonly container: ReturnType<typeof containerRef>;

  constructor(
    readonly info: ContainerInfo,
    private deps: FollowerDeps,
  ) {
    this.joiner = new MultilineJoiner({ max_bytes: deps.config.max_line_bytes });
    this.service = containerService(info);
    this.container = containerRef(info);
  }

  /**
   * Reads until the container's log stream ends (it stopped) or `stop()`; then flushes. The stream
   * is read in the pacer's rounds (paced-stream.ts), and what one read brings enters the pipeline
   * as one chunk: one emit per line (containers mostly write a line at a time) cost more than the
   * line itself.
   */
  async run(): Promise<void> {
    const from = this.lastRead ?? this.deps.positions.log(this.info.id);
    const query = `follow=1&stdout=1&stderr=1&timestamps=1${from ? `&since=${sinceParam(from)}` : ''}`;
    const decoder = new LogDecoder(this.info.tty, this.deps.config.max_line_bytes, from);
    const onBody = (data: Buffer) => {
      this.deps.counters.received(0, data.length);
      for (const entry of decoder.push(data)) this.take(entry);
      this.cutChunk();
      if (!this.timer && this.joiner.pending > 0) this.armIdleFlush();
    };
    const stream = await this.deps.client.pacedStream(
      `/containers/${this.info.id}/logs?${query}`,
      this.deps.pacer,
      onBody,
    );
    this.stream = stream;
    if (this.stopped) stream.destroy();
    try {
      await stream.done;
    } catch (error) {
      if (!this.stopped) throw error;
    } finally {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.release(this.joiner.flush());
      this.cutChunk();
      await this.chain;
    }
  }

  private take(entry: LogEntry): void {
    this.lastRead = entry.position;
    const record = this.toRecord(entry.text, entry.ts, entry.stream, entry.truncated);
    if (!this.deps.config.multiline) {
      this.gathered.push(record);
      this.done = entry.position;
      return;
    }
    this.inputs.push({ fields: record.fields!, record, position: entry.position });
    this.release(this.joiner.push(record));
  }

  /** A stack trace whose stream has been idle long enough leaves the joiner. */
  private armIdleFlush(): void {
    const idle = this.deps.config.multiline_idle_ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release(this.joiner.flushIdle(Date.now(), idle));
      this.cutChunk();
      // A group not yet idle (its stream wrote meanwhile) is looked at again.
      if (this.joiner.pending > 0) this.armIdleFlush();
    }, idle);
  }

  private toRecord(text: string, ts: number, stream: string, truncated: boolean): LogRecord {
    const { host, config } = this.deps;
    const record = parseLine(text, { received_ts: ts, host, source: 'docker' }, config.format);
    record.received_ts = Date.now();
    record.host = host;
    record.source = 'docker';
    record.service = this.service;
    record.container = this.container;
    // Every parser gives a line its own fields object (or none): adding to it changes no other line.
    (record.fields ??= {}).stream = stream;
    if (truncated) record.truncated = true;
    return record;
  }

  /** Takes what the joiner let out, noting how far it reaches in the input; see the invariants above. */
  private release(records: LogRecord[]): void {
    for (const record of records) {
      this.gathered.push(record);
      const k = this.inputs.findIndex((input) => input.fields === record.fields);
      if (k === -1) continue;
      const single = this.inputs[k]!.record === record;
      const last = single ? k : k - 1;
      if (last >= 0) this.done = this.inputs[last]!.position;
      this.inputs.splice(0, last + 1);
    }
    // Nothing held back: every line read so far is in a record that left.
    if (this.joiner.pending === 0 && this.inputs.length > 0) {
      this.done = this.inputs.at(-1)!.position;
      this.inputs = [];
    }
  }

  /**
   * Hands what was gathered to the pipeline, in order, waiting for room (the stream is held
   * meanwhile, so the daemon holds the rest); the position goes with the chunk's last part.
   */
  private cutChunk(): void {
    const records = this.gathered;
    if (records.length === 0) return;
    this.gathered = [];
    const position = this.done;
    this.chain = this.chain.then(async () => {
      for (let i = 0; i < records.length;) {
        const chunk = records.length <= CHUNK_RECORDS ? records : records.slice(i, i + CHUNK_RECORDS);
        let wait = this.deps.flow.room(chunk.length);
        if (wait) {
          this.stream?.hold();
          for (; wait; wait = this.deps.flow.room(chunk.length)) await wait;
          this.stream?.release();
        }
        const last = i + chunk.length >= records.length;
        const id = this.info.id;
        const commit = last && position ? () => this.deps.positions.commitLog(id, position) : undefined;
        const checkpoint =
          last && position ? { checkpoint: encodePosition(position), checkpointKey: id } : {};
        if (!this.deps.emit({ logs: chunk, ...checkpoint }, commit)) {
          // Part of it may be queued: sending it again may repeat lines, never lose them.
          this.deps.counters.error('emit', 'refused');
          if (this.stopped) return;
          await new Promise((resolve) => setTimeout(resolve, REFUSED_RETRY_MS).unref());
          continue;
        }
        this.deps.counters.received(chunk.length);
        i += chunk.length;
      }
    });
  }

  /** The pipeline this container's records go into. */
  get flow(): Flow {
    return this.deps.flow;
  }

  /** Sends this container's records through another pipeline (its tenant's); before `run()` only. */
  route(emit: Emit, flow: Flow): void {
    this.deps = { ...this.deps, emit, flow };
  }

  stop(): void {
    this.stopped = true;
    this.stream?.destroy();
  }
}

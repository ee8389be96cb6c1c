import type { IncomingMessage } from 'node:http';
import type { ComponentCounters } from '../../../core/telemetry.ts';
import type { LogRecord } from '../../../model/index.ts';
import { MultilineJoiner, parseLine } from '../../../parse/index.ts';
import type { Emit, Flow } from '../source.ts';
import { containerRef, containerService, type ContainerInfo } from './catalog.ts';
import type { DockerLogsConfig } from './config.ts';
import type { EngineClient } from './engine-client.ts';
import { LogDecoder } from './log-decoder.ts';
import { encodePosition, sinceParam, type Position, type PositionStore } from './position-store.ts';

/**
 * Follows one container's stdout and stderr until it stops. Invariants:
 *
 * - Order: records leave in the order the daemon sent the lines; reading pauses (the HTTP
 *   response is not read, so the daemon blocks) while the pipeline has no room.
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
}

interface Input {
  fields: object;
  record: LogRecord;
  position: Position;
}

export class LogFollower {
  private response: IncomingMessage | undefined;
  private readonly joiner: MultilineJoiner;
  private inputs: Input[] = [];
  private done: Position | undefined;
  private lastRead: Position | undefined;
  private chain: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly info: ContainerInfo,
    private deps: FollowerDeps,
  ) {
    this.joiner = new MultilineJoiner({ max_bytes: deps.config.max_line_bytes });
  }

  /** Reads until the container's log stream ends (it stopped) or `stop()`; then flushes. */
  async run(): Promise<void> {
    const from = this.lastRead ?? this.deps.positions.log(this.info.id);
    const query = `follow=1&stdout=1&stderr=1&timestamps=1${from ? `&since=${sinceParam(from)}` : ''}`;
    const response = await this.deps.client.stream(`/containers/${this.info.id}/logs?${query}`);
    this.response = response;
    if (this.stopped) response.destroy();
    const decoder = new LogDecoder(this.info.tty, this.deps.config.max_line_bytes, from);
    try {
      for await (const chunk of response) {
        this.deps.counters.received(0, (chunk as Buffer).length);
        const records: LogRecord[] = [];
        for (const entry of decoder.push(chunk as Buffer)) {
          this.lastRead = entry.position;
          const record = this.toRecord(entry.text, entry.ts, entry.stream, entry.truncated);
          if (!this.deps.config.multiline) {
            records.push(record);
            this.done = entry.position;
            continue;
          }
          this.inputs.push({ fields: record.fields!, record, position: entry.position });
          records.push(...this.released(this.joiner.push(record)));
        }
        this.enqueue(records);
        this.armIdleFlush();
        await this.chain;
      }
    } catch (error) {
      if (!this.stopped) throw error;
    } finally {
      clearTimeout(this.idleTimer);
      this.enqueue(this.released(this.joiner.flush(), true));
      await this.chain;
    }
  }

  private toRecord(text: string, ts: number, stream: string, truncated: boolean): LogRecord {
    const { host, config } = this.deps;
    const record = parseLine(text, { received_ts: ts, host, source: 'docker' }, config.format);
    record.received_ts = Date.now();
    record.host = host;
    record.source = 'docker';
    record.service = containerService(this.info);
    record.container = containerRef(this.info);
    record.fields = { ...record.fields, stream };
    if (truncated) record.truncated = true;
    return record;
  }

  /** Notes how far the joiner's output reaches in the input; see the invariants above. */
  private released(records: LogRecord[], all = false): LogRecord[] {
    for (const record of records) {
      const k = this.inputs.findIndex((input) => input.fields === record.fields);
      if (k === -1) continue;
      const single = this.inputs[k]!.record === record;
      const last = single ? k : k - 1;
      if (last >= 0) this.done = this.inputs[last]!.position;
      this.inputs.splice(0, last + 1);
    }
    if (all && this.inputs.length > 0) {
      this.done = this.inputs.at(-1)!.position;
      this.inputs = [];
    }
    return records;
  }

  private armIdleFlush(): void {
    clearTimeout(this.idleTimer);
    if (this.joiner.pending === 0) return;
    const idle = this.deps.config.multiline_idle_ms;
    this.idleTimer = setTimeout(() => {
      this.enqueue(this.released(this.joiner.flushIdle(Date.now(), idle), true));
      // A timer may fire a millisecond before the group counts as idle: keep watching until it does.
      this.armIdleFlush();
    }, idle);
  }

  /** Emits in order, one chunk at a time, waiting for room; the position goes with the last chunk. */
  private enqueue(records: LogRecord[]): void {
    const position = this.done;
    if (records.length === 0) return;
    this.chain = this.chain.then(async () => {
      for (let i = 0; i < records.length;) {
        const chunk = records.slice(i, i + CHUNK_RECORDS);
        for (let wait = this.deps.flow.room(chunk.length); wait; wait = this.deps.flow.room(chunk.length))
          await wait;
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

  /** Sends this container's records through another pipeline (its tenant's); before `run()` only. */
  route(emit: Emit, flow: Flow): void {
    this.deps = { ...this.deps, emit, flow };
  }

  stop(): void {
    this.stopped = true;
    this.response?.destroy();
  }
}

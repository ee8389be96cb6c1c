import type { Logger } from '../../core/logger.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import type { ClusterEvent, LogRecord, MetricSample } from '../../model/index.ts';

export interface Emitted {
  metrics?: MetricSample[];
  logs?: LogRecord[];
  events?: ClusterEvent[];
  /**
   * The source's position after these records (a journald cursor, …). It is written into the disk
   * buffer together with them, so after a crash the source can resume exactly there even if it
   * did not get to save the position itself (see `Flow.recoveredCheckpoint`).
   */
  checkpoint?: string;
  /**
   * For a source with several independent positions (Docker: one per container, one for events):
   * which of them `checkpoint` is. The newest checkpoint of each key is recovered separately.
   */
  checkpointKey?: string;
}

/**
 * Hands records to the pipeline. Returns false when the pipeline refused some of them (queue
 * full); the source decides whether to slow down. `onDurable`, when given, is called once every
 * accepted record of this call is safe from a crash (today: acknowledged by the server; with the
 * disk buffer: written to it). A source commits its position upstream (journald cursor, Docker
 * log time) only then, so a restart resumes after the last safe record.
 */
export type Emit = (records: Emitted, onDurable?: () => void) => boolean;

/**
 * Flow control for sources that can wait (a socket can pause; a timer cannot): `room(n)` is
 * undefined when n more records fit in the pipeline now, else a promise that settles when space
 * may have been freed. Check again after it settles and emit without awaiting in between.
 */
export interface Flow {
  room(n: number): Promise<void> | undefined;
  /** The most records the pipeline ever holds; emit at most this many at once. */
  readonly capacity: number;
  /**
   * The most records in one batch. A chunk that carries a position is never split across batches,
   * so a source that emits positions keeps its chunks within this, or batches overfill.
   */
  readonly batchCapacity?: number;
  /**
   * The newest checkpoint of this source found in the disk buffer at start: records up to there
   * are already buffered, so resume after it (it is newer than any position the source saved).
   */
  readonly recoveredCheckpoint?: string | undefined;
  /** The same for checkpoints emitted with a `checkpointKey`, by key. */
  readonly recoveredCheckpoints?: ReadonlyMap<string, string>;
  /**
   * Batches what is staged now instead of after `batch_max_wait_ms`: for a source that has just
   * read to the end of a backlog, so its last records leave at once rather than a wait later.
   */
  flush?(): void;
}

/** A source produces records and hands them to the pipeline through `emit`. */
export interface Source {
  readonly kind: string;
  readonly id: string;
  /** Records of this source are shipped with this token (its tenant) instead of the agent's. */
  readonly token?: string | undefined;
  start(emit: Emit, flow: Flow): void;
  /** Resolves once the source is serving (a listener bound); rejects with why it cannot. */
  ready?(): Promise<void>;
  /** A line for the start-up banner, e.g. where a listener listens. */
  describe?(): string;
  /** Safe to call more than once. */
  stop(): Promise<void>;
}

export interface SourceContext {
  readonly hostName: string;
  readonly log: Logger;
  /** The agent's data directory, for a source's own state (cursors, positions). */
  readonly stateDir: string;
  /** Where a source reports its counters; a source without one keeps them to itself. */
  readonly telemetry?: Telemetry;
  /**
   * The emit and flow of the pipeline for another tenant's ingest token, opened on first use, for
   * records whose token a source learns while running (a Docker container's label). Without it
   * (tests, tools) such records go with the source's own token.
   */
  readonly tenant?: (sourceId: string, token: string) => Promise<{ emit: Emit; flow: Flow }>;
}

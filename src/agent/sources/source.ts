import type { Logger } from '../../core/logger.ts';
import type { ClusterEvent, LogRecord, MetricSample } from '../../model/index.ts';

export interface Emitted {
  metrics?: MetricSample[];
  logs?: LogRecord[];
  events?: ClusterEvent[];
}

/**
 * Hands records to the pipeline. Returns false when the pipeline refused some of them (queue
 * full); the source decides whether to slow down. `onDurable`, when given, is called once every
 * accepted record of this call is safe from a crash (today: acknowledged by the server; with the
 * disk buffer: written to it). A source commits its position upstream (journald cursor, Docker
 * log time) only then, so a restart resumes after the last safe record.
 */
export type Emit = (records: Emitted, onDurable?: () => void) => boolean;

/** A source produces records and hands them to the pipeline through `emit`. */
export interface Source {
  readonly kind: string;
  readonly id: string;
  start(emit: Emit): void;
  /** Safe to call more than once. */
  stop(): Promise<void>;
}

export interface SourceContext {
  readonly hostName: string;
  readonly log: Logger;
  /** The agent's data directory, for a source's own state (cursors, positions). */
  readonly stateDir: string;
}

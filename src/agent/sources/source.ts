import type { ClusterEvent, LogRecord, MetricSample } from '../../model/index.ts';

export interface Emitted {
  metrics?: MetricSample[];
  logs?: LogRecord[];
  events?: ClusterEvent[];
}

/**
 * A source produces records and hands them to the pipeline through `emit`. `emit` returns false
 * when the pipeline refused some of them (queue full); the source decides whether to slow down.
 */
export interface Source {
  readonly kind: string;
  readonly id: string;
  start(emit: (records: Emitted) => boolean): void;
  /** Safe to call more than once. */
  stop(): Promise<void>;
}

export interface SourceContext {
  readonly hostName: string;
  readonly log: import('../../core/logger.ts').Logger;
}

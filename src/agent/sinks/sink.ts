import type { SendResult } from '../../core/delivery.ts';
import type { EncodedBatch } from '../encoded-batch.ts';

export type { SendResult } from '../../core/delivery.ts';

/** A sink sends one batch and reports ok / retryable / failed (see `SendResult`); only the shipper retries. */
export interface Sink {
  readonly kind: string;
  readonly id: string;
  /**
   * Batches the shipper may have in `send` at once (default 1). More than one hides the
   * receiver's latency; the sink must then take batches in any order and keep per-batch state
   * (a retry's remainder) by batch id.
   */
  readonly maxInFlight?: number;
  send(batch: EncodedBatch): Promise<SendResult>;
  /** Safe to call more than once. */
  close(): Promise<void>;
}

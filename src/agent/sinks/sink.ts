import type { SendResult } from '../../core/delivery.ts';
import type { EncodedBatch } from '../encoded-batch.ts';

export type { SendResult } from '../../core/delivery.ts';

/** A sink sends one batch and reports ok / retryable / failed (see `SendResult`); only the shipper retries. */
export interface Sink {
  readonly kind: string;
  readonly id: string;
  send(batch: EncodedBatch): Promise<SendResult>;
  /** Safe to call more than once. */
  close(): Promise<void>;
}

import type { IngestBatch } from '../../../model/index.ts';
import { decodeBatch, type EncodedBatch } from '../../encoded-batch.ts';
import type { SendResult, Sink } from '../sink.ts';

/**
 * A sink that keeps what it receives (decoded), for tests of the pipeline above sinks. `script`
 * decides each send's outcome (default: ok), so tests can play an outage or a rejection.
 */
export class MemorySink implements Sink {
  readonly id: string;
  /** Every attempt, including retries. */
  readonly attempts: IngestBatch[] = [];
  /** Batches acknowledged with ok. */
  readonly delivered: IngestBatch[] = [];
  closed = 0;

  constructor(
    public script: (batch: IngestBatch, attempt: number) => SendResult = () => ({ outcome: 'ok' }),
    /** Another kind lets a test run two memory sinks on one pipeline (one buffer position per kind). */
    readonly kind = 'memory',
  ) {
    this.id = kind;
  }

  async send(encoded: EncodedBatch): Promise<SendResult> {
    const batch = await decodeBatch(encoded);
    this.attempts.push(batch);
    const result = this.script(batch, this.attempts.length);
    if (result.outcome === 'ok') this.delivered.push(batch);
    return result;
  }

  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

import { decodeBatch, type EncodedBatch } from '../../encoded-batch.ts';
import type { SendResult, Sink } from '../sink.ts';
import { ndjsonLines } from './ndjson-lines.ts';

/** Writes every record to standard output as NDJSON (the agent's own log goes to stderr). */
export class StdoutSink implements Sink {
  readonly kind = 'stdout';
  readonly id = 'stdout';

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  async send(encoded: EncodedBatch): Promise<SendResult> {
    const text = ndjsonLines(await decodeBatch(encoded));
    // Waits for the write (and so for a slow reader of the pipe): backpressure, not memory.
    return new Promise((resolve) => {
      this.out.write(text, (error) =>
        resolve(error ? { outcome: 'retryable', reason: error.message } : { outcome: 'ok' }),
      );
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

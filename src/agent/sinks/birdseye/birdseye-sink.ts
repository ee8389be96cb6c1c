import { Agent, request } from 'undici';
import type { EncodedBatch } from '../../encoded-batch.ts';
import { classifyStatus, parseRetryAfter, type SendResult, type Sink } from '../sink.ts';

export interface BirdseyeSinkOptions {
  serverUrl: string;
  token: string;
  timeoutMs: number;
}

/** Ships batches to a Birdseye server's native ingest endpoint: JSON, gzip, keep-alive. */
export class BirdseyeSink implements Sink {
  readonly kind = 'birdseye';
  readonly id: string;
  private readonly url: string;
  private readonly dispatcher: Agent;

  constructor(private readonly options: BirdseyeSinkOptions) {
    this.url = new URL('/api/v1/ingest', options.serverUrl).toString();
    this.id = `birdseye:${new URL(options.serverUrl).host}`;
    this.dispatcher = new Agent({
      keepAliveTimeout: 30_000,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(batch: EncodedBatch): Promise<SendResult> {
    try {
      const response = await request(this.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
        body: batch.gzip,
      });
      const text = await response.body.text();
      return classifyStatus(response.statusCode, text, parseRetryAfter(response.headers['retry-after']));
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      return { outcome: 'retryable', reason: `${err.code ?? 'error'}: ${err.message}` };
    }
  }

  async close(): Promise<void> {
    if (!this.dispatcher.closed) await this.dispatcher.close();
  }
}

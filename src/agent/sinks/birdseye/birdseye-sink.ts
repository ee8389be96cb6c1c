import { HttpPoster } from '../../../core/delivery.ts';
import type { EncodedBatch } from '../../encoded-batch.ts';
import type { SendResult, Sink } from '../sink.ts';

export interface BirdseyeSinkOptions {
  serverUrl: string;
  token: string;
  timeoutMs: number;
}

/** Ships batches to a Birdseye server's native ingest endpoint: gzip JSON as buffered, keep-alive. */
export class BirdseyeSink implements Sink {
  readonly kind = 'birdseye';
  readonly id: string;
  private readonly url: string;
  private readonly poster: HttpPoster;

  constructor(private readonly options: BirdseyeSinkOptions) {
    this.url = new URL('/api/v1/ingest', options.serverUrl).toString();
    this.id = `birdseye:${new URL(options.serverUrl).host}`;
    this.poster = new HttpPoster(options.timeoutMs);
  }

  send(batch: EncodedBatch): Promise<SendResult> {
    return this.poster.post(this.url, batch.gzip, {
      authorization: `Bearer ${this.options.token}`,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
  }

  close(): Promise<void> {
    return this.poster.close();
  }
}

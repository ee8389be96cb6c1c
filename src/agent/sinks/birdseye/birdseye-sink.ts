import { HttpPoster } from '../../../core/delivery.ts';
import type { ClientTls } from '../../../core/tls-client.ts';
import type { EncodedBatch } from '../../encoded-batch.ts';
import type { SendResult, Sink } from '../sink.ts';

export interface BirdseyeSinkOptions {
  serverUrl: string;
  token: string;
  timeoutMs: number;
  /** For an https:// server: CA, client certificate (see agent.tls); default: the system's CAs. */
  tls?: ClientTls | undefined;
}

/**
 * Ships batches to a Birdseye server's native ingest endpoint: gzip JSON as buffered, keep-alive.
 * The token travels only in the Authorization header; it is never part of a reason or log line.
 */
export class BirdseyeSink implements Sink {
  readonly kind = 'birdseye';
  readonly id: string;
  private readonly url: string;
  private readonly poster: HttpPoster;

  constructor(private readonly options: BirdseyeSinkOptions) {
    this.url = new URL('/api/v1/ingest', options.serverUrl).toString();
    this.id = `birdseye:${new URL(options.serverUrl).host}`;
    this.poster = new HttpPoster(options.timeoutMs, undefined, options.tls);
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

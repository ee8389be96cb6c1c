import { HttpPoster } from '../../../core/delivery.ts';
import { encodeWriteRequest, samplesToSeries, snappyCompress } from '../../../core/remote-write/index.ts';
import { VERSION } from '../../../version.ts';
import { decodeBatch, type EncodedBatch } from '../../encoded-batch.ts';
import type { SendResult, Sink } from '../sink.ts';
import type { RemoteWriteSinkConfig } from './config.ts';

/**
 * Ships the batch's metrics as one Prometheus remote write 1.0 request (snappy protobuf). Logs and
 * events are not sent; a batch without metrics is done at once. The receiver's 4xx (out-of-order
 * or duplicate samples, bad labels) is final, its 5xx and 429 are retried, as the protocol says.
 */
export class RemoteWriteSink implements Sink {
  readonly kind = 'prometheus_remote_write';
  readonly id: string;
  private readonly poster: HttpPoster;
  private readonly headers: Record<string, string>;

  constructor(private readonly config: RemoteWriteSinkConfig) {
    this.id = `prometheus_remote_write:${new URL(config.url).host}`;
    this.poster = new HttpPoster(config.timeout_ms);
    this.headers = {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      'user-agent': `birdseye-agent/${VERSION}`,
    };
    if (config.bearer_token) this.headers.authorization = `Bearer ${config.bearer_token}`;
    else if (config.username !== undefined) {
      const basic = Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64');
      this.headers.authorization = `Basic ${basic}`;
    }
  }

  async send(encoded: EncodedBatch): Promise<SendResult> {
    const batch = await decodeBatch(encoded);
    if (batch.metrics.length === 0) return { outcome: 'ok' };
    const body = snappyCompress(encodeWriteRequest(samplesToSeries(batch.metrics)));
    return this.poster.post(this.config.url, body, this.headers);
  }

  close(): Promise<void> {
    return this.poster.close();
  }
}

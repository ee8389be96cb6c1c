import { HttpPoster } from '../../../core/delivery.ts';
import type { SendResult } from './notifier.ts';

/** The POST every webhook-style notifier uses: JSON, classified like every HTTP sender. */
export class JsonPoster extends HttpPoster {
  constructor(timeoutMs: number) {
    super(timeoutMs, 10_000);
  }

  override post(url: string, body: string, headers: Record<string, string> = {}): Promise<SendResult> {
    return super.post(url, body, { 'content-type': 'application/json', ...headers });
  }
}

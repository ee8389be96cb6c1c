import { HttpPoster } from '../../../core/delivery.ts';
import type { Notification, Notifier, SendResult } from './notifier.ts';

/** The POST every webhook-style notifier uses: JSON, classified like every HTTP sender. */
export class JsonPoster extends HttpPoster {
  constructor(timeoutMs: number) {
    super(timeoutMs, 10_000);
  }

  override post(url: string, body: string, headers: Record<string, string> = {}): Promise<SendResult> {
    return super.post(url, body, { 'content-type': 'application/json', ...headers });
  }
}

/** What every webhook-style notifier shares: its name, its config with a URL, and one poster. */
export abstract class JsonNotifier<C extends { url: string; timeout_ms: number }> implements Notifier {
  abstract readonly type: string;
  private readonly poster: JsonPoster;

  constructor(
    readonly name: string,
    protected readonly config: C,
  ) {
    this.poster = new JsonPoster(config.timeout_ms);
  }

  abstract send(notification: Notification): Promise<SendResult>;

  /** POSTs one JSON body to the channel's URL. */
  protected post(body: string, headers?: Record<string, string>): Promise<SendResult> {
    return this.poster.post(this.config.url, body, headers);
  }

  close(): Promise<void> {
    return this.poster.close();
  }
}

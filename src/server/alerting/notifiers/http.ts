import { Agent, request } from 'undici';
import { classifyStatus, parseRetryAfter, type SendResult } from './notifier.ts';

/**
 * The one HTTP POST every webhook-style notifier uses, so they all classify responses alike.
 * Errors are reported without the URL: webhook URLs (Slack, Teams) are themselves secrets.
 */
export class JsonPoster {
  private readonly dispatcher: Agent;

  constructor(timeoutMs: number) {
    this.dispatcher = new Agent({
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  async post(url: string, body: string, headers: Record<string, string> = {}): Promise<SendResult> {
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: { 'content-type': 'application/json', ...headers },
        body,
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

import { HttpClient, type HttpFailure } from './http-client.ts';
import { tlsHint, type ClientTls } from './tls-client.ts';

/**
 * What one delivery attempt came to, for agent sinks and alert notifiers alike. Only the caller's
 * retry stage retries; senders never loop.
 * - ok: the receiver took it.
 * - retryable: try again later (connection error, timeout, 408, 429, 5xx, SMTP 4xx), after
 *   `retry_after_ms` if the receiver said so.
 * - failed: rejected for good (other 4xx, SMTP 5xx); sending it again would fail again.
 */
export type SendResult =
  | { outcome: 'ok' }
  | { outcome: 'retryable'; reason: string; retry_after_ms?: number }
  | { outcome: 'failed'; reason: string };

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** How an HTTP status maps to an outcome, for every HTTP sender alike. */
export function classifyStatus(status: number, body: string, retryAfter?: number): SendResult {
  if (status >= 200 && status < 300) return { outcome: 'ok' };
  const reason = `HTTP ${status}: ${body.slice(0, 500)}`;
  if (status === 408 || status === 429 || status >= 500) {
    return retryAfter === undefined
      ? { outcome: 'retryable', reason }
      : { outcome: 'retryable', reason, retry_after_ms: retryAfter };
  }
  return { outcome: 'failed', reason };
}

/**
 * The one HTTP POST of every HTTP sender, with keep-alive and timeouts, classified by
 * `classifyStatus`. Errors are reported without the URL: some URLs (Slack, Teams) are secrets.
 */
export class HttpPoster {
  private readonly client: HttpClient;

  constructor(
    timeoutMs: number,
    keepAliveMs = 30_000,
    /** How https:// receivers are verified (and a client certificate presented); default: system CAs. */
    private readonly tls?: ClientTls,
  ) {
    this.client = new HttpClient(timeoutMs, keepAliveMs, tls);
  }

  async post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<SendResult> {
    try {
      const answer = await this.client.request('POST', url, headers, body);
      return classifyStatus(answer.status, answer.text, parseRetryAfter(answer.headers['retry-after']));
    } catch (error) {
      // TLS failures are retryable too: the fix is on one side's configuration, and until then the
      // data waits (the agent keeps it in its buffer); the reason says what to change.
      const err = error as HttpFailure;
      const hint = tlsHint(err, this.tls, url.startsWith('https:'));
      return { outcome: 'retryable', reason: hint ?? `${err.code ?? 'error'}: ${err.message}` };
    }
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    return this.client.close();
  }
}

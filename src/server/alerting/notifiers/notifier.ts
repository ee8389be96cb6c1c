import type { Alert, Labels } from '../model.ts';

/**
 * A notifier is a dumb sender: it renders one notification into its service's format and reports
 * what happened. Grouping, dedup, silences and retries are pipeline stages; a notifier never loops.
 * - ok: the receiver took it.
 * - retryable: try again later (connection error, timeout, 408, 429, 5xx, SMTP 4xx), after
 *   `retry_after_ms` if the receiver said so.
 * - failed: rejected for good (other 4xx, SMTP 5xx); sending it again would fail again.
 */
export type SendResult =
  | { outcome: 'ok' }
  | { outcome: 'retryable'; reason: string; retry_after_ms?: number }
  | { outcome: 'failed'; reason: string };

/** One message for one channel: every alert of one group that is worth telling about now. */
export interface Notification {
  /** `firing` while any alert in it fires; `resolved` once all are. */
  readonly status: 'firing' | 'resolved';
  readonly channel: string;
  /** Stable per group and channel (PagerDuty, webhook receivers correlate on it). */
  readonly group_key: string;
  readonly group_labels: Labels;
  readonly common_labels: Labels;
  readonly alerts: readonly Alert[];
  /** Base URL of the UI for links back, when configured. */
  readonly external_url: string | undefined;
  readonly sent_at: number;
}

export interface Notifier {
  readonly type: string;
  readonly name: string;
  send(notification: Notification): Promise<SendResult>;
  /** Safe to call more than once. */
  close(): Promise<void>;
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** How an HTTP status maps to an outcome, for every HTTP notifier alike. */
export function classifyStatus(status: number, body: string, retryAfter?: number): SendResult {
  if (status >= 200 && status < 300) return { outcome: 'ok' };
  const reason = `HTTP ${status}: ${body.slice(0, 300)}`;
  if (status === 408 || status === 429 || status >= 500) {
    return retryAfter === undefined
      ? { outcome: 'retryable', reason }
      : { outcome: 'retryable', reason, retry_after_ms: retryAfter };
  }
  return { outcome: 'failed', reason };
}

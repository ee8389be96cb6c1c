import type { EncodedBatch } from '../encoded-batch.ts';

/**
 * A sink's send has three outcomes. Only the pipeline retries; a sink never loops on its own.
 * - ok: the receiver acknowledged the batch; it may be forgotten.
 * - retryable: try the same batch again later (network error, 408, 429, 5xx), after `retry_after_ms`
 *   if the receiver said so.
 * - failed: the receiver rejected the batch for good (4xx); resending it would fail again.
 */
export type SendResult =
  | { outcome: 'ok' }
  | { outcome: 'retryable'; reason: string; retry_after_ms?: number }
  | { outcome: 'failed'; reason: string };

export interface Sink {
  readonly kind: string;
  readonly id: string;
  send(batch: EncodedBatch): Promise<SendResult>;
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

/** How an HTTP status maps to an outcome, for every HTTP sink alike. */
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

import { setTimeout as sleep } from 'node:timers/promises';
import type { SendResult } from '../notifiers/notifier.ts';

export interface RetryOptions {
  readonly initial_backoff_ms: number;
  readonly max_backoff_ms: number;
  readonly max_attempts: number;
  /** Aborted at shutdown: the wait ends and the last result stands. */
  readonly signal?: AbortSignal;
  readonly random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so many channels
 * failing together do not retry in lock-step. A receiver's Retry-After is a lower bound.
 */
export function backoff(attempt: number, options: RetryOptions, retryAfterMs?: number): number {
  const exp = Math.min(options.max_backoff_ms, options.initial_backoff_ms * 2 ** (attempt - 1));
  const jittered = exp / 2 + ((options.random ?? Math.random)() * exp) / 2;
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * Retry stage: the only place a notification is sent again. Stops at ok, at failed (the receiver
 * will never take it), after max_attempts, or at shutdown. `onAttempt` records every attempt.
 */
export async function withRetry(
  send: () => Promise<SendResult>,
  options: RetryOptions,
  onAttempt: (attempt: number, result: SendResult) => void,
): Promise<SendResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await send();
    onAttempt(attempt, result);
    if (result.outcome !== 'retryable' || attempt >= options.max_attempts) return result;
    if (options.signal?.aborted) return result;
    try {
      await sleep(backoff(attempt, options, result.retry_after_ms), undefined, { signal: options.signal });
    } catch {
      return result;
    }
  }
}

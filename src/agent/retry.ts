/**
 * Exponential backoff with full jitter: the n-th retry waits a random time up to
 * min(max, initial * 2^n), so many agents coming back after an outage don't all arrive at once.
 */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.max(initialMs / 2, Math.round(random() * ceiling));
}

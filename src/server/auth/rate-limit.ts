import { z } from 'zod';

export const rateLimitSchema = z
  .object({
    /** Sustained requests per second per token or UI session; 0 turns rate limiting off. */
    requests_per_s: z.number().min(0).default(500),
    /** Requests a caller may make at once after being idle (the bucket size). */
    burst: z.number().int().min(1).default(1000),
    /** Callers tracked at once; past this the least recently seen is forgotten (it starts full again). */
    max_tracked: z.number().int().min(1).default(10_000),
  })
  .strict();

export type RateLimitConfig = z.infer<typeof rateLimitSchema>;

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * A token bucket per caller (token id or user). `take` answers 0 when the request may go ahead,
 * otherwise the milliseconds until it could: what Retry-After tells the client. The map is bounded:
 * a Map iterates in insertion order, so re-inserting on use makes the first key the least recent.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly config: RateLimitConfig,
    /** Counts each refused request (the server wires it to /metrics). */
    private readonly onLimited: () => void = () => {},
  ) {}

  take(
    key: string,
    ratePerS = this.config.requests_per_s,
    now = Date.now(),
    burst = this.config.burst,
  ): number {
    if (ratePerS <= 0) return 0;
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else {
      bucket = { tokens: Math.max(burst, 1), updated: now };
      if (this.buckets.size >= this.config.max_tracked) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    bucket.tokens = Math.min(Math.max(burst, 1), bucket.tokens + ((now - bucket.updated) / 1000) * ratePerS);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    this.onLimited();
    return Math.ceil(((1 - bucket.tokens) / ratePerS) * 1000);
  }

  get tracked(): number {
    return this.buckets.size;
  }
}

import { z } from 'zod';
import { rateLimitSchema } from './rate-limit.ts';

/** `server.auth`: UI sessions and per-caller rate limits. */
export const authSchema = z
  .object({
    /** A UI session lasts this long from sign-in; then the user signs in again. */
    session_ttl_ms: z
      .number()
      .int()
      .min(60_000)
      .default(12 * 3_600_000),
    /** Per token (or signed-in user): a token can carry its own `rate_per_s` instead. */
    rate_limit: rateLimitSchema.prefault({}),
  })
  .strict();

export type AuthConfig = z.infer<typeof authSchema>;

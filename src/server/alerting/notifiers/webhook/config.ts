import { z } from 'zod';
import { channelBase, httpUrl } from '../common-config.ts';

export const webhookSchema = z
  .object({
    ...channelBase,
    type: z.literal('webhook'),
    url: httpUrl,
    /** Signs each body: `X-Birdseye-Signature: sha256=<hex HMAC-SHA256 of the body>`. Never logged. */
    secret: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Extra request headers, e.g. an Authorization for the receiver. */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type WebhookConfig = z.infer<typeof webhookSchema>;

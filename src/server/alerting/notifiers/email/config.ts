import { z } from 'zod';
import { channelBase } from '../common-config.ts';

export const emailSchema = z
  .object({
    ...channelBase,
    type: z.literal('email'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
    secure: z.boolean().default(false),
    /** Refuse to send unless STARTTLS succeeds (when `secure` is false). */
    require_tls: z.boolean().default(false),
    tls_reject_unauthorized: z.boolean().default(true),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
  })
  .strict();

export type EmailConfig = z.infer<typeof emailSchema>;

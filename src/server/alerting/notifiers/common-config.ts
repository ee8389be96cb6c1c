import { z } from 'zod';

/** Keys every channel has, whatever its type. */
export const channelBase = {
  /** Also tell this channel when the alerts of a notification it got are resolved. */
  send_resolved: z.boolean().default(true),
  /** Per attempt; the pipeline's retry stage decides whether to try again. */
  timeout_ms: z.number().int().min(100).default(10_000),
};

export const httpUrl = z.url({ protocol: /^https?$/ });

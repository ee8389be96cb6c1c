import { z } from 'zod';
import { channelBase, httpUrl } from '../common-config.ts';

export const pagerdutySchema = z
  .object({
    ...channelBase,
    type: z.literal('pagerduty'),
    /** The Events API v2 integration key of the service. A secret: never logged. */
    routing_key: z.string().min(1),
    url: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
  })
  .strict();

export type PagerdutyConfig = z.infer<typeof pagerdutySchema>;

import { z } from 'zod';
import { channelBase, httpUrl } from '../common-config.ts';

export const slackSchema = z
  .object({
    ...channelBase,
    type: z.literal('slack'),
    /** The incoming-webhook URL (https://hooks.slack.com/services/…). A secret: never logged. */
    url: httpUrl,
  })
  .strict();

export type SlackConfig = z.infer<typeof slackSchema>;

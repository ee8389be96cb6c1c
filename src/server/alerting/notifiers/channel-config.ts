import { z } from 'zod';
import { emailSchema } from './email/config.ts';
import { pagerdutySchema } from './pagerduty/config.ts';
import { slackSchema } from './slack/config.ts';
import { teamsSchema } from './teams/config.ts';
import { webhookSchema } from './webhook/config.ts';

/**
 * Channel config schemas only, kept apart from registry.ts because src/config loads this for the
 * agent too, and the agent must not load nodemailer for a schema.
 */
export const channelSchema = z.discriminatedUnion('type', [
  emailSchema,
  pagerdutySchema,
  slackSchema,
  teamsSchema,
  webhookSchema,
]);

export type ChannelConfig = z.infer<typeof channelSchema>;
export type ChannelType = ChannelConfig['type'];

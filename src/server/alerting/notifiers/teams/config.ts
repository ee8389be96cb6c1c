import { z } from 'zod';
import { channelBase, httpUrl } from '../common-config.ts';

export const teamsSchema = z
  .object({
    ...channelBase,
    type: z.literal('teams'),
    /** The Workflows "When a Teams webhook request is received" URL. A secret: never logged. */
    url: httpUrl,
  })
  .strict();

export type TeamsConfig = z.infer<typeof teamsSchema>;

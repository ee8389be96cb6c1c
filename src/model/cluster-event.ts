import { z } from 'zod';

export const clusterEventSchema = z
  .object({
    ts: z.number().nonnegative(),
    host: z.string().min(1),
    /** What the event is about: container, image, network, volume, host, agent. */
    kind: z.string().min(1),
    /** What happened: start, stop, die, oom, restart, health_status, … */
    action: z.string().min(1),
    actor: z
      .object({ id: z.string().optional(), name: z.string().optional(), image: z.string().optional() })
      .strict()
      .optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    message: z.string().optional(),
  })
  .strict();

export type ClusterEvent = z.infer<typeof clusterEventSchema>;

import { z } from 'zod';

/** `agent.sinks.prometheus_remote_write`: the agent's metrics to any remote write 1.0 receiver. */
export const remoteWriteSinkSchema = z
  .object({
    /** e.g. http://prometheus:9090/api/v1/write (Prometheus needs --web.enable-remote-write-receiver). */
    url: z.url({ protocol: /^https?$/ }),
    /** Sent as `Authorization: Bearer <bearer_token>`. */
    bearer_token: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    timeout_ms: z.number().int().min(100).default(15_000),
  })
  .strict();

export type RemoteWriteSinkConfig = z.infer<typeof remoteWriteSinkSchema>;

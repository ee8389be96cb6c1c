import { z } from 'zod';
import { elasticsearchSinkSchema } from './elasticsearch/config.ts';
import { fileSinkSchema, stdoutSinkSchema } from './ndjson/config.ts';
import { remoteWriteSinkSchema } from './prometheus-remote-write/config.ts';

/**
 * `agent.sinks`: where the agent ships besides the Birdseye server (`agent.server_url`). Each sink
 * is on when its key is present, and drains the disk buffer from its own position, so one that is
 * down delays none of the others; the buffer keeps a batch until every sink has taken it.
 */
export const sinksSchema = z
  .object({
    elasticsearch: elasticsearchSinkSchema.optional(),
    prometheus_remote_write: remoteWriteSinkSchema.optional(),
    stdout: stdoutSinkSchema.optional(),
    file: fileSinkSchema.optional(),
  })
  .strict();

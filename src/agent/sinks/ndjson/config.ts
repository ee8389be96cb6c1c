import { z } from 'zod';

/** `agent.sinks.stdout`: every record as one JSON line on standard output, for debugging. */
export const stdoutSinkSchema = z.object({}).strict();

/**
 * `agent.sinks.file`: every record as one JSON line appended to `path`. When the file would pass
 * `max_size_bytes` it is renamed to `<path>.1` (replacing the previous one) and a new file begun,
 * so it never takes more than twice that.
 */
export const fileSinkSchema = z
  .object({
    path: z.string().min(1),
    max_size_bytes: z
      .number()
      .int()
      .min(1024)
      .default(100 * 1024 * 1024),
  })
  .strict();

export type FileSinkConfig = z.infer<typeof fileSinkSchema>;

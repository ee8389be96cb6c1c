import { z } from 'zod';
import { BirdseyeError, formatIssues, formatPath } from '../../core/errors.ts';

const MIB = 1024 * 1024;

/**
 * The agent's disk buffer (`agent.buffer` in the main config). Sizes are bytes on disk, record
 * headers included. `max_size_bytes` bounds every segment file together, acknowledged-but-not-yet-
 * deleted entries included, so it is a true bound on disk use.
 */
export const bufferConfigSchema = z
  .object({
    /** The whole buffer on disk; when reached, `when_full` decides. An entry larger than this is refused. */
    max_size_bytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(256 * MIB),
    /**
     * One segment file. Space is freed a whole segment at a time, so the buffer uses at most
     * max_size_bytes / 4 per segment whatever this says, to keep freeing smooth on small buffers.
     */
    max_segment_bytes: z
      .number()
      .int()
      .min(4 * 1024)
      .max(1024 * MIB)
      .default(16 * MIB),
    /** `block`: appends wait for acknowledgements to free space. `drop_newest`: refuse and count. */
    when_full: z.enum(['block', 'drop_newest']).default('block'),
  })
  .strict();

export type BufferConfig = z.infer<typeof bufferConfigSchema>;
export type BufferConfigInput = z.input<typeof bufferConfigSchema>;

/** Validates once, applies defaults and freezes; an error names the key under `agent.buffer`. */
export function parseBufferConfig(input: BufferConfigInput): Readonly<BufferConfig> {
  const parsed = bufferConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues, (p) => `agent.buffer.${formatPath(p)}`);
    throw new BirdseyeError('BE_CONFIG_INVALID', `invalid configuration:\n${issues}`);
  }
  return Object.freeze(parsed.data);
}

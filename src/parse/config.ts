import { z } from 'zod';
import { DEFAULT_MAX_LINE_BYTES } from './framing/types.ts';
import { FORMAT_NAMES } from './registry.ts';

/**
 * How a listener turns bytes into records: framing, format (auto or pinned), line limit and
 * multiline joining. Validated once at start-up; unknown keys are rejected so a typo is an error,
 * not a silently ignored setting.
 */
export const parseConfigSchema = z
  .object({
    framing: z.enum(['newline', 'octet-counting', 'auto']).default('newline'),
    format: z.enum(['auto', ...FORMAT_NAMES] as [string, ...string[]]).default('auto'),
    /** Longer lines are cut to this size and flagged `truncated`; never dropped. */
    max_line_bytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(DEFAULT_MAX_LINE_BYTES),
    multiline: z
      .object({
        enabled: z.boolean().default(true),
        /** A pending trace is emitted after this long without a new line on its stream. */
        flush_timeout_ms: z.number().int().min(10).max(60_000).default(1000),
        max_lines: z.number().int().min(2).max(10_000).default(500),
        max_bytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(DEFAULT_MAX_LINE_BYTES),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ParseConfig = z.infer<typeof parseConfigSchema>;

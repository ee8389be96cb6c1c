import { z } from 'zod';
import { DEFAULT_MINER_OPTIONS } from './miner.ts';

/** `server.patterns`: the log pattern miner. Validated once at start-up. */
export const patternsSchema = z
  .object({
    /** Off: records are stored without a pattern id and the Patterns view stays empty. */
    enabled: z.boolean().default(true),
    /** Share of a pattern's words (its tokens that are not values) a line must have in their places to join it. */
    similarity: z.number().min(0.1).max(1).default(DEFAULT_MINER_OPTIONS.similarity),
    /** Patterns kept per tenant and source; the least recently matched is evicted (and counted). */
    max_patterns_per_source: z
      .number()
      .int()
      .min(10)
      .max(100_000)
      .default(DEFAULT_MINER_OPTIONS.max_patterns),
    /** Tenant+source pairs mined at once; the least recently used pair is forgotten (and counted). */
    max_sources: z.number().int().min(1).max(1_000_000).default(DEFAULT_MINER_OPTIONS.max_trees),
    /** How often counts, first/last seen and examples are written to storage. */
    flush_interval_ms: z.number().int().min(100).max(60_000).default(2_000),
    /** Patterns with unwritten statistics held between flushes; beyond it, their statistics are dropped and counted. */
    max_pending_patterns: z.number().int().min(100).max(1_000_000).default(50_000),
    /** Lines with the miner thread at once; a batch that does not fit is stored without pattern ids (counted). */
    max_queued_lines: z.number().int().min(1_000).max(10_000_000).default(200_000),
    /** A batch the miner thread has not answered in this time restarts the thread (counted). */
    worker_timeout_ms: z.number().int().min(1_000).max(600_000).default(30_000),
  })
  .strict();

export type PatternsConfig = z.infer<typeof patternsSchema>;

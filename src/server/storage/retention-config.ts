import { z } from 'zod';

/** `server.retention`: what `retention_days` (logs and events) does not cover. */
export const retentionSchema = z
  .object({
    /** Metric samples and rollups older than this many days are removed (tenants can override). */
    metrics_days: z.number().int().min(1).default(30),
    /**
     * Batch ids (what makes a resent batch a no-op) are forgotten after this many days. Keep it
     * longer than an agent may hold a batch in its disk buffer and retry it (an outage).
     */
    batch_ids_days: z.number().int().min(1).default(14),
    /** Most rows one retention statement deletes, so ingest never waits long behind it. */
    chunk_rows: z.number().int().min(100).default(5000),
    /** How often closed 5-minute and 1-hour metric buckets are rolled up. */
    rollup_interval_ms: z.number().int().min(1000).default(60_000),
  })
  .strict();

export type RetentionConfig = z.infer<typeof retentionSchema>;

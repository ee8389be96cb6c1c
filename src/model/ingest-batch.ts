import { z } from 'zod';
import { BirdseyeError, formatIssues } from '../core/errors.ts';
import { clusterEventSchema } from './cluster-event.ts';
import { logRecordSchema } from './log-record.ts';
import { metricSampleSchema } from './metric-sample.ts';

/**
 * One shipment from an agent to the server. `batch_id` is `<agent_id>:<seq>`; the server stores a
 * batch id at most once, so an agent may resend a batch whose response it never saw.
 */
export const ingestBatchSchema = z
  .object({
    batch_id: z.string().min(3).max(200),
    agent_id: z.string().min(1).max(100),
    seq: z.number().int().nonnegative(),
    host: z.string().min(1),
    agent_version: z.string().optional(),
    sent_ts: z.number().nonnegative(),
    metrics: z.array(metricSampleSchema).default([]),
    logs: z.array(logRecordSchema).default([]),
    events: z.array(clusterEventSchema).default([]),
  })
  .strict()
  .refine((b) => b.batch_id === `${b.agent_id}:${b.seq}`, {
    message: 'must be "<agent_id>:<seq>"',
    path: ['batch_id'],
  });

export type IngestBatch = z.infer<typeof ingestBatchSchema>;

export function batchId(agentId: string, seq: number): string {
  return `${agentId}:${seq}`;
}

/** Validates an untrusted batch; the error names every wrong key, e.g. `metrics[3].value`. */
export function parseIngestBatch(input: unknown): IngestBatch {
  const result = ingestBatchSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues;
    const shown = formatIssues(issues.slice(0, 10));
    const more = issues.length > 10 ? `\n… and ${issues.length - 10} more` : '';
    throw new BirdseyeError('BE_BATCH_INVALID', `invalid batch:\n${shown}${more}`);
  }
  return result.data;
}

import { z } from 'zod';

/** Prometheus naming rules, so users recognise node_* and container_* series. */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const metricSampleSchema = z
  .object({
    name: z.string().regex(METRIC_NAME, 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)'),
    labels: z.record(
      z.string().regex(LABEL_NAME, 'label names must match [a-zA-Z_][a-zA-Z0-9_]*'),
      z.string().max(1024),
    ),
    value: z.number().refine(Number.isFinite, 'must be a finite number'),
    /** UTC epoch milliseconds; a fraction is allowed. */
    ts: z.number().nonnegative(),
  })
  .strict();

export type MetricSample = z.infer<typeof metricSampleSchema>;

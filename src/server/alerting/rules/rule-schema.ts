import { z } from 'zod';
import { LABEL_NAME, SEVERITIES } from '../../../model/index.ts';
import { parseLogQuery } from '../../query/log-query.ts';
import { EVENT_FIELDS } from '../../query/log-fields.ts';
import { parseMetricQuery } from '../../query/metric-query.ts';

/**
 * Rule definitions as the config file and the API show them. Queries are parsed here, once, so a
 * typo in a rule is a start-up error naming the rule's key, not a silent evaluation failure.
 */
const metricQuery = z.string().superRefine((q, ctx) => {
  try {
    parseMetricQuery(q);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

function logQuery(events: boolean) {
  return z.string().superRefine((q, ctx) => {
    try {
      if (events) parseLogQuery(q, EVENT_FIELDS);
      else parseLogQuery(q);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
}

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _'),
  /** Shown in messages and as the `alertname` label; defaults to the id. */
  name: z.string().min(1).optional(),
  severity: z.enum(['critical', 'warning', 'info']).default('warning'),
  /** Extra labels on every alert of the rule, for routes and silences. */
  labels: z.record(z.string().regex(LABEL_NAME), z.string()).default({}),
  /** `{{label}}` and `{{value}}` are filled in per alert. */
  summary: z.string().min(1).optional(),
  /** The condition must hold this long before the alert fires (pending until then). */
  for_ms: z.number().int().min(0).default(0),
  tenant: z.string().min(1).default('default'),
  enabled: z.boolean().default(true),
};

const thresholdRule = z
  .object({
    ...base,
    type: z.literal('threshold'),
    query: metricQuery,
    /** Value = query / divide_by, joined on identical labels: ratios without a query language for it. */
    divide_by: metricQuery.optional(),
    comparison: z.enum(COMPARISONS),
    threshold: z.number(),
    /** A series with no sample this recent counts as gone (its alert resolves). */
    lookback_ms: z.number().int().min(1000).default(120_000),
    /** Bucket width of the query; widen it for rate() of counters that are scraped slowly. */
    step_ms: z.number().int().min(1000).default(1000),
  })
  .strict();

/** Knobs of the seasonal detector (anomaly/detector.ts) that a rule may set. */
const detectorKnobs = {
  sensitivity: z.enum(['low', 'medium', 'high']).default('medium'),
  /** Cold start: no mark and no alert for a series until its history spans this long. */
  min_history_ms: z
    .number()
    .int()
    .min(3_600_000)
    .default(3 * 86_400_000),
  history_ms: z
    .number()
    .int()
    .min(3_600_000)
    .default(21 * 86_400_000),
};

const logCountRule = z
  .object({
    ...base,
    type: z.literal('log_count'),
    query: logQuery(false),
    window_ms: z.number().int().min(1000).default(300_000),
    /** `threshold`: count against `threshold`; `baseline`: count against its own seasonal baseline. */
    mode: z.enum(['threshold', 'baseline']).default('threshold'),
    comparison: z.enum(COMPARISONS).default('>'),
    /** In threshold mode the limit; in baseline mode the smallest count worth an alert (default 10). */
    threshold: z.number().optional(),
    /** Record fields to count per (host, service, container.name, fields.x, pattern …). Empty = overall. */
    group_by: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.]*$/, 'a record field name')).default([]),
    ...detectorKnobs,
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.mode === 'threshold' && rule.threshold === undefined)
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'required in threshold mode' });
  });

const anomalyRule = z
  .object({
    ...base,
    type: z.literal('anomaly'),
    query: metricQuery,
    /** Points are averages over this step; the seasonal model works at the same step. */
    step_ms: z.number().int().min(10_000).default(300_000),
    /** The recent stretch looked at per evaluation. */
    window_ms: z.number().int().min(10_000).default(1_800_000),
    /** Fires when at least this share of the window's points is outside the bounds. */
    min_share: z.number().gt(0).max(1).default(0.5),
    direction: z.enum(['both', 'up', 'down']).default('both'),
    ...detectorKnobs,
  })
  .strict();

const predictiveRule = z
  .object({
    ...base,
    type: z.literal('predictive'),
    /** A gauge that runs out at 0, per series (default: free bytes per filesystem). */
    query: metricQuery.default('node_filesystem_avail_bytes'),
    /** The linear fit reads this much recent history. */
    window_ms: z
      .number()
      .int()
      .min(60_000)
      .default(6 * 3_600_000),
    /** Fires when the fit reaches 0 within this long. */
    horizon_ms: z
      .number()
      .int()
      .min(60_000)
      .default(24 * 3_600_000),
    step_ms: z.number().int().min(1000).default(300_000),
  })
  .strict();

const eventRule = z
  .object({
    ...base,
    type: z.literal('event'),
    query: logQuery(true),
    window_ms: z.number().int().min(1000).default(600_000),
    /** Fires when a group has at least this many matching events in the window. */
    min_count: z.number().int().min(1).default(1),
    group_by: z
      .array(z.enum(['host', 'kind', 'action', 'actor.name', 'actor.id', 'actor.image']))
      .default(['host', 'actor.name']),
  })
  .strict();

const absenceRule = z
  .object({
    ...base,
    type: z.literal('absence'),
    /** A host that sent nothing for this long is down. */
    after_ms: z.number().int().min(1000).default(120_000),
    /** A host silent this long is taken as decommissioned; its alert resolves. */
    forget_after_ms: z
      .number()
      .int()
      .min(60_000)
      .default(7 * 86_400_000),
  })
  .strict();

const newPatternRule = z
  .object({
    ...base,
    type: z.literal('new_pattern'),
    /** Fires for a pattern first seen this recently; resolves when it is older. */
    window_ms: z.number().int().min(60_000).default(3_600_000),
    /** The least severe log level that counts: `warning` fires for warning, err, crit, alert, emerg. */
    min_severity: z.enum(SEVERITIES).default('warning'),
    /** Words the pattern's template must contain; empty for every pattern. */
    template: z.string().optional(),
  })
  .strict();

const patternRateRule = z
  .object({
    ...base,
    type: z.literal('pattern_rate'),
    /** Each pattern's lines over this window, against its own history at this step (whole minutes). */
    window_ms: z
      .number()
      .int()
      .min(60_000)
      .default(300_000)
      .refine((ms) => ms % 60_000 === 0, 'must be whole minutes (pattern counts are per minute)'),
    /** The fewest lines in the window worth an alert: 2 lines where 0 are usual is not news. */
    min_count: z.number().int().min(1).default(10),
    /** Words the pattern's template must contain; empty for every pattern. */
    template: z.string().optional(),
    ...detectorKnobs,
  })
  .strict();

export const ruleSchema = z.discriminatedUnion('type', [
  thresholdRule,
  logCountRule,
  eventRule,
  absenceRule,
  anomalyRule,
  predictiveRule,
  newPatternRule,
  patternRateRule,
]);

export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;
export type RuleOf<T extends Rule['type']> = Extract<Rule, { type: T }>;

export function compare(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

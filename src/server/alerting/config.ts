import { z } from 'zod';
import { parseMatcher } from './matcher.ts';
import type { Matcher } from './model.ts';
import { channelSchema } from './notifiers/channel-config.ts';
import { DEFAULT_INHIBIT_RULES } from './pipeline/inhibit.ts';
import { ruleSchema } from './rules/rule-schema.ts';

/**
 * `server.alerting`: rules, channels and routes. Imported by src/config/schema.ts, so this file and
 * what it imports hold schemas only, no senders.
 */
const matcherSchema = z.string().transform((text, ctx): Matcher => {
  const parsed = parseMatcher(text);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

const timing = {
  /** Labels that split alerts into notifications; `[]` puts all alerts of a route in one group. */
  group_by: z.array(z.string().min(1)).optional(),
  /** A new group waits this long for more alerts before its first notification. */
  group_wait_ms: z.number().int().min(0).optional(),
  /** A group that changed is told again no sooner than this after its last notification. */
  group_interval_ms: z.number().int().min(0).optional(),
  /** An unchanged group that still fires is told again after this. */
  repeat_interval_ms: z.number().int().min(1000).optional(),
};

const routeSchema = z
  .object({
    /** Every matcher must match; none matches every alert. */
    matchers: z.array(matcherSchema).default([]),
    channels: z.array(z.string().min(1)).min(1),
    /** Keep looking at later routes after this one matched. */
    continue: z.boolean().default(false),
    ...timing,
  })
  .strict();

const inhibitSchema = z
  .object({
    /** A firing alert matching all of these mutes… */
    source_matchers: z.array(matcherSchema).min(1),
    /** …the firing alerts matching all of these… */
    target_matchers: z.array(matcherSchema).default([]),
    /** …that have the same values for these labels. */
    equal: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const alertingSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** How often every rule is evaluated; a bad sample is noticed within one interval. */
    interval_ms: z.number().int().min(100).default(15_000),
    /**
     * Evaluate threshold, log and event rules right after ingest stores data they read (at most
     * once a second per rule), so a bad sample is noticed in about a second, not an interval.
     */
    evaluate_on_ingest: z.boolean().default(true),
    /** The UI's base URL, for links in messages. */
    external_url: z.url({ protocol: /^https?$/ }).optional(),
    /** The built-in rules (host down, disk filling, memory pressure, OOM, restart loop). */
    default_rules: z.boolean().default(true),
    rules: z.array(ruleSchema).default([]),
    channels: z
      .record(z.string().regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, - and _'), channelSchema)
      .default({}),
    /** First match wins (unless `continue`); with no routes every alert goes to every channel. */
    routes: z.array(routeSchema).default([]),
    /** Default: a down host (HostDown) mutes its other alerts; `[]` turns inhibition off. */
    inhibit_rules: z.array(inhibitSchema).default(() =>
      DEFAULT_INHIBIT_RULES.map((r) => ({
        source_matchers: [...r.source_matchers],
        target_matchers: [...r.target_matchers],
        equal: [...r.equal],
      })),
    ),
    group_by: z.array(z.string().min(1)).default(['alertname', 'host']),
    group_wait_ms: z.number().int().min(0).default(5_000),
    group_interval_ms: z.number().int().min(0).default(60_000),
    repeat_interval_ms: z
      .number()
      .int()
      .min(1000)
      .default(4 * 3_600_000),
    retry_initial_backoff_ms: z.number().int().min(1).default(1_000),
    retry_max_backoff_ms: z.number().int().min(1).default(60_000),
    /** Attempts per notification, the first included; then it is recorded as not delivered. */
    retry_max_attempts: z.number().int().min(1).max(100).default(8),
    /** Resolved alerts and delivery history are kept this long. */
    history_days: z.number().int().min(1).default(30),
  })
  .strict()
  .superRefine((config, ctx) => {
    config.routes.forEach((route, i) => {
      route.channels.forEach((name, j) => {
        if (!(name in config.channels)) {
          ctx.addIssue({
            code: 'custom',
            path: ['routes', i, 'channels', j],
            message: `no channel named "${name}" under server.alerting.channels`,
          });
        }
      });
    });
    const ids = new Set<string>();
    config.rules.forEach((rule, i) => {
      if (ids.has(rule.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}"` });
      ids.add(rule.id);
    });
  });

export type AlertingConfig = z.infer<typeof alertingSchema>;
export type RouteConfig = AlertingConfig['routes'][number];

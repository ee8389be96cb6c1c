import type { LogRecord } from '../../../model/index.ts';
import { eventField, EVENT_FIELDS, logField, scalarText } from '../../query/log-fields.ts';
import { parseLogQuery } from '../../query/log-query.ts';
import { baselineObservations } from './log-baseline.ts';
import { compare, type RuleOf } from './rule-schema.ts';
import {
  Counter,
  groupLabels,
  MAX_RECORDS_PER_EVAL,
  PAGE_SIZE,
  type EvalContext,
  type Observation,
} from './observation.ts';

/** A field of a log record by name: the query fields, `fields.x`, or any other top-level field. */
export function recordField(record: LogRecord, field: string): string | number | undefined {
  const known = logField(record, field);
  if (known !== undefined) return known;
  return Object.hasOwn(record, field)
    ? scalarText((record as unknown as Record<string, unknown>)[field])
    : undefined;
}

/**
 * Log count rule: the number of matching records in the window, overall or per group, against a
 * threshold or (mode `baseline`) against the group's own seasonal baseline.
 */
export async function evaluateLogCount(rule: RuleOf<'log_count'>, ctx: EvalContext): Promise<Observation[]> {
  const query = parseLogQuery(rule.query);
  const from = ctx.now - rule.window_ms;
  let counts: Observation[];
  if (rule.group_by.length === 0) {
    // The histogram counts in the database without reading records, however many match.
    const buckets = await ctx.storage.logHistogram(rule.tenant, {
      query,
      from,
      to: ctx.now,
      interval_ms: rule.window_ms,
    });
    counts = [{ labels: {}, value: buckets.reduce((sum, b) => sum + b.count, 0) }];
  } else {
    const counter = new Counter();
    let cursor: string | undefined;
    for (let read = 0; read < MAX_RECORDS_PER_EVAL; read += PAGE_SIZE) {
      const page = await ctx.storage.searchLogs(rule.tenant, {
        query,
        from,
        to: ctx.now,
        limit: PAGE_SIZE,
        order: 'newest',
        ...(cursor ? { cursor } : {}),
      });
      for (const record of page.records)
        counter.add(groupLabels(rule.group_by, (f) => recordField(record, f)));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    counts = counter.observations();
  }
  if (rule.mode === 'baseline') return baselineObservations(rule, ctx, counts);
  return counts.filter((c) => compare(c.value, rule.comparison, rule.threshold ?? 0));
}

/** Event rule: groups (e.g. one container) with at least `min_count` matching events in the window. */
export async function evaluateEvents(rule: RuleOf<'event'>, ctx: EvalContext): Promise<Observation[]> {
  const query = parseLogQuery(rule.query, EVENT_FIELDS);
  const counter = new Counter();
  let cursor: string | undefined;
  for (let read = 0; read < MAX_RECORDS_PER_EVAL; read += PAGE_SIZE) {
    const page = await ctx.storage.searchEvents(rule.tenant, {
      query,
      from: ctx.now - rule.window_ms,
      to: ctx.now,
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    for (const event of page.records) counter.add(groupLabels(rule.group_by, (f) => eventField(event, f)));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return counter.observations().filter((c) => c.value >= rule.min_count);
}

/** Absence rule: hosts whose last report is older than `after_ms` (value: the silence in ms). */
export async function evaluateAbsence(rule: RuleOf<'absence'>, ctx: EvalContext): Promise<Observation[]> {
  const hosts = await ctx.storage.hosts(rule.tenant);
  const reported = new Set(hosts.map((h) => h.host));
  // Registrations carry no tenant: registered nodes are expected in the default tenant.
  const expected = rule.tenant === 'default' ? (ctx.expectedHosts?.() ?? []) : [];
  return [
    ...hosts.map((h) => ({ labels: { host: h.host }, value: ctx.now - h.last_seen })),
    ...expected
      .filter((e) => !reported.has(e.host))
      .map((e) => ({ labels: { host: e.host }, value: ctx.now - e.since })),
  ].filter((o) => o.value > rule.after_ms && o.value < rule.forget_after_ms);
}

import { fitModel, type Point } from '../anomaly/detector.ts';
import { canonicalLabels } from '../model.ts';
import { parseLogQuery } from '../../query/log-query.ts';
import { detectorOptions } from './anomaly-rule.ts';
import type { EvalContext, Observation } from './observation.ts';
import type { RuleOf } from './rule-schema.ts';

/** Without a `threshold`, a baseline rule needs this many records before a rise is worth an alert. */
export const DEFAULT_MIN_COUNT = 10;

const quote = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The rule's query narrowed to one group; undefined when a group field is not queryable. */
function groupQuery(rule: RuleOf<'log_count'>, labels: Readonly<Record<string, string>>): string | undefined {
  const parts = [`(${rule.query})`];
  for (const field of rule.group_by) {
    const value = labels[field.replace(/\./g, '_')];
    if (value === undefined || value === '') return undefined;
    parts.push(`${field}:${quote(value)}`);
  }
  try {
    parseLogQuery(parts.join(' AND '));
    return parts.join(' AND ');
  } catch {
    return undefined;
  }
}

/**
 * Baseline mode of the log count rule: each group's count over the window is scored against a
 * seasonal model of that group's counts per window-wide bucket (history from the log histogram,
 * zero-filled back to when the server first heard from any host). Only rises count. Groups with no
 * records now cannot rise, so only groups seen in the window are scored.
 */
export async function baselineObservations(
  rule: RuleOf<'log_count'>,
  ctx: EvalContext,
  counts: readonly Observation[],
): Promise<Observation[]> {
  const step_ms = rule.window_ms;
  const options = detectorOptions(rule, step_ms, 'up');
  const windowStart = ctx.now - rule.window_ms;
  const minCount = rule.threshold ?? DEFAULT_MIN_COUNT;
  let dataStart: number | undefined;
  const out: Observation[] = [];
  for (const c of counts) {
    const key = `${rule.id}\0${canonicalLabels(c.labels)}`;
    let entry = ctx.anomaly.models.fresh(key, ctx.now);
    if (!entry) {
      const text = groupQuery(rule, c.labels);
      let model;
      if (text !== undefined) {
        dataStart ??= Math.min(ctx.now, ...(await ctx.storage.hosts(rule.tenant)).map((h) => h.first_seen));
        const from = Math.max(windowStart - rule.history_ms, Math.floor(dataStart / step_ms) * step_ms);
        const buckets = await ctx.storage.logHistogram(rule.tenant, {
          query: parseLogQuery(text),
          from,
          to: windowStart - 1,
          interval_ms: step_ms,
        });
        const byTs = new Map<number, number>();
        for (const b of buckets) byTs.set(b.ts, (byTs.get(b.ts) ?? 0) + b.count);
        const points: Point[] = [];
        for (let ts = Math.floor(from / step_ms) * step_ms; ts < windowStart - step_ms; ts += step_ms)
          points.push({ ts, value: byTs.get(ts) ?? 0 });
        model = fitModel(points, options, windowStart);
      }
      ctx.anomaly.models.set(key, model, ctx.now);
      entry = ctx.anomaly.models.fresh(key, ctx.now)!;
    }
    if (!entry.model) continue;
    const r = entry.model.score(windowStart, c.value);
    if (!r.anomalous) continue;
    ctx.anomaly.mark(rule.tenant, rule.id, 'log_count', c.labels, [
      { ts: windowStart, end: ctx.now, score: r.score, value: c.value, baseline: r.baseline },
    ]);
    if (c.value >= minCount) out.push({ labels: c.labels, value: c.value, baseline: r.baseline });
  }
  return out;
}

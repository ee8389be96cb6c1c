import { canonicalLabels } from '../model.ts';
import { evaluate } from '../../query/metric-engine.ts';
import { parseMetricQuery } from '../../query/metric-query.ts';
import { compare, type RuleOf } from './rule-schema.ts';
import type { EvalContext, Observation } from './observation.ts';

interface Latest {
  labels: Record<string, string>;
  value: number;
}

/**
 * The newest point of each series in the lookback window; a series without one is gone. Steps are
 * narrow (1 s by default) so the newest point is the newest sample, not an average that a good
 * sample before it would hide.
 */
async function latest(
  ctx: EvalContext,
  rule: RuleOf<'threshold'>,
  query: string,
): Promise<Map<string, Latest>> {
  const step_ms = rule.step_ms;
  const series = await evaluate(ctx.storage, rule.tenant, parseMetricQuery(query), {
    from: ctx.now - rule.lookback_ms,
    to: ctx.now,
    step_ms,
  });
  const out = new Map<string, Latest>();
  for (const s of series) {
    const last = s.points.at(-1);
    if (!last || !Number.isFinite(last[1])) continue;
    const { __name__: _name, ...labels } = s.labels;
    out.set(canonicalLabels(labels), { labels, value: last[1] });
  }
  return out;
}

/** Threshold rule: one observation per series whose newest value crosses the threshold. */
export async function evaluateThreshold(rule: RuleOf<'threshold'>, ctx: EvalContext): Promise<Observation[]> {
  const values = await latest(ctx, rule, rule.query);
  const divisors = rule.divide_by === undefined ? undefined : await latest(ctx, rule, rule.divide_by);
  const out: Observation[] = [];
  for (const [key, { labels, value }] of values) {
    let v = value;
    if (divisors) {
      const d = divisors.get(key);
      // No matching divisor or a zero one gives no ratio, so no alert rather than a false one.
      if (!d || d.value === 0) continue;
      v = value / d.value;
    }
    if (compare(v, rule.comparison, rule.threshold)) out.push({ labels, value: v });
  }
  return out;
}

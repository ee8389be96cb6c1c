import { detectorFor, fitModel, type Point } from '../anomaly/detector.ts';
import type { EvalContext, Observation } from './observation.ts';
import { TEMPLATE_LABEL_CHARS } from './pattern-rule.ts';
import type { RuleOf } from './rule-schema.ts';

/** Patterns scored per evaluation, the busiest in the window first. */
const MAX_PATTERNS = 1_000;

/**
 * Pattern rate rule: per log pattern, its lines in the window against a seasonal model of that
 * pattern's own lines per window-wide step (anomaly/detector.ts, rises only). Counts come from the
 * pattern statistics (per minute, kept by the miner), not from reading records, so a pattern of a
 * million lines an hour costs what a quiet one does. History is zero-filled back to when the server
 * first heard from any host: before a pattern appeared it had no lines. Models are refitted hourly,
 * all stale ones from one read of the history.
 */
export async function evaluatePatternRate(
  rule: RuleOf<'pattern_rate'>,
  ctx: EvalContext,
): Promise<Observation[]> {
  const step_ms = rule.window_ms;
  const windowStart = ctx.now - step_ms;
  const options = detectorFor(step_ms, {
    sensitivity: rule.sensitivity,
    min_history_ms: rule.min_history_ms,
    history_ms: rule.history_ms,
    direction: 'up',
  });
  const text = rule.template ?? '';
  const current = await ctx.storage.queryPatterns(rule.tenant, {
    from: windowStart,
    to: ctx.now,
    limit: MAX_PATTERNS,
    step_ms,
    text,
  });
  const keyOf = (id: string) => `${rule.id}\0${id}`;
  const stale = current.filter((p) => !ctx.anomaly.models.fresh(keyOf(p.id), ctx.now));
  if (stale.length > 0) {
    const dataStart = Math.min(ctx.now, ...(await ctx.storage.hosts(rule.tenant)).map((h) => h.first_seen));
    const from = Math.floor(Math.max(windowStart - rule.history_ms, dataStart) / step_ms) * step_ms;
    // Whole steps before the window; the sparkline's buckets start at `from`.
    const steps = Math.floor((windowStart - from) / step_ms);
    const history =
      steps > 0
        ? await ctx.storage.queryPatterns(rule.tenant, {
            from,
            to: from + steps * step_ms - 1,
            limit: Number.MAX_SAFE_INTEGER,
            step_ms,
            text,
          })
        : [];
    const byId = new Map(history.map((p) => [p.id, p.sparkline]));
    for (const p of stale) {
      const counts = byId.get(p.id);
      const points: Point[] = [];
      for (let i = 0; i < steps; i++) points.push({ ts: from + i * step_ms, value: counts?.[i] ?? 0 });
      ctx.anomaly.models.set(keyOf(p.id), fitModel(points, options, from + steps * step_ms), ctx.now);
    }
  }
  const out: Observation[] = [];
  for (const p of current) {
    const model = ctx.anomaly.models.fresh(keyOf(p.id), ctx.now)?.model;
    if (!model) continue;
    const r = model.score(windowStart, p.count);
    if (!r.anomalous) continue;
    const labels = { pattern: p.id, source: p.source, template: p.template.slice(0, TEMPLATE_LABEL_CHARS) };
    ctx.anomaly.mark(rule.tenant, rule.id, 'pattern_rate', labels, [
      { ts: windowStart, end: ctx.now, score: r.score, value: p.count, baseline: r.baseline },
    ]);
    if (p.count >= rule.min_count) out.push({ labels, value: p.count, baseline: r.baseline });
  }
  return out;
}

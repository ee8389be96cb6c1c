import { evaluate } from '../../query/metric-engine.ts';
import { parseMetricQuery } from '../../query/metric-query.ts';
import type { RuleOf } from './rule-schema.ts';
import type { EvalContext, Observation } from './observation.ts';

/** Least-squares line through the points: value at `at` and slope per ms; undefined if degenerate. */
export function linearFit(
  points: ReadonlyArray<readonly [number, number]>,
  at: number,
): { value: number; slope: number } | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  let mx = 0;
  let my = 0;
  for (const [x, y] of points) {
    mx += (x - at) / n;
    my += y / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - at - mx) * (y - my);
    sxx += (x - at - mx) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { value: my - slope * mx, slope };
}

/**
 * Predictive rule: a straight line through the last `window_ms` of each series; fires when the
 * line reaches 0 within `horizon_ms` (value: the time left, in ms). A series needs points over at
 * least half the window, so one burst right after start-up does not predict anything.
 */
export async function evaluatePredictive(
  rule: RuleOf<'predictive'>,
  ctx: EvalContext,
): Promise<Observation[]> {
  const series = await evaluate(ctx.storage, rule.tenant, parseMetricQuery(rule.query), {
    from: ctx.now - rule.window_ms,
    to: ctx.now,
    step_ms: rule.step_ms,
  });
  const out: Observation[] = [];
  for (const s of series) {
    const points = s.points.filter(([, v]) => Number.isFinite(v));
    const first = points[0];
    const last = points.at(-1);
    if (!first || !last || last[0] - first[0] < rule.window_ms / 2 || ctx.now - last[0] > 2 * rule.step_ms)
      continue;
    const fit = linearFit(points, ctx.now);
    if (!fit || fit.slope >= 0 || last[1] <= 0) continue;
    const left = Math.max(0, fit.value) / -fit.slope;
    const { __name__: _name, ...labels } = s.labels;
    if (left < rule.horizon_ms) out.push({ labels, value: left });
  }
  return out;
}

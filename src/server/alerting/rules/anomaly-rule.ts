import { detectorFor, fitModel, type DetectorOptions, type Point } from '../anomaly/detector.ts';
import type { FlaggedPoint } from '../anomaly/marks.ts';
import { canonicalLabels } from '../model.ts';
import { evaluate, type SeriesResult } from '../../query/metric-engine.ts';
import { parseMetricQuery, type MetricExpr } from '../../query/metric-query.ts';
import type { RuleOf } from './rule-schema.ts';
import type { EvalContext, Observation } from './observation.ts';

export function detectorOptions(
  rule: RuleOf<'anomaly'> | RuleOf<'log_count'>,
  step_ms: number,
  direction: DetectorOptions['direction'],
): DetectorOptions {
  const { sensitivity, min_history_ms, history_ms } = rule;
  return detectorFor(step_ms, { sensitivity, min_history_ms, history_ms, direction });
}

const FITS_PER_TURN = 10;

/** The query restricted to one series (exact label matchers); undefined for aggregations. */
function narrow(expr: MetricExpr, labels: Readonly<Record<string, string>>): MetricExpr | undefined {
  const exact = Object.entries(labels).map(([label, value]) => ({ label, op: '=' as const, value }));
  if (expr.type === 'selector') return { ...expr, matchers: [...expr.matchers, ...exact] };
  if (expr.type === 'rate')
    return { ...expr, arg: { ...expr.arg, matchers: [...expr.arg.matchers, ...exact] } };
  return undefined;
}

function seriesKey(s: SeriesResult): { key: string; labels: Record<string, string>; metric: string } {
  const { __name__: name, ...labels } = s.labels;
  return { key: canonicalLabels(labels), labels, metric: name ?? 'value' };
}

const toPoints = (s: SeriesResult): Point[] =>
  s.points.filter(([, v]) => Number.isFinite(v)).map(([ts, value]) => ({ ts, value }));

/**
 * Metric anomaly rule: per series, the points of the last `window_ms` are scored against a
 * seasonal model of the history before the window (refitted hourly, one history query for every
 * series that needs it). Every flagged point becomes an anomaly mark; the rule fires for a series
 * when at least `min_share` of its window is flagged.
 */
export async function evaluateAnomaly(rule: RuleOf<'anomaly'>, ctx: EvalContext): Promise<Observation[]> {
  const step_ms = rule.step_ms;
  const windowStart = Math.floor((ctx.now - rule.window_ms) / step_ms) * step_ms + step_ms;
  const expr = parseMetricQuery(rule.query);
  const recent = await evaluate(ctx.storage, rule.tenant, expr, { from: windowStart, to: ctx.now, step_ms });
  const options = detectorOptions(rule, step_ms, rule.direction);
  const cacheKey = (key: string) => `${rule.id}\0${key}`;

  const stale = recent.filter((s) => !ctx.anomaly.models.fresh(cacheKey(seriesKey(s).key), ctx.now));
  const historyRange = { from: windowStart - rule.history_ms, to: windowStart - 1, step_ms };
  // One series at a time where the query allows it: SQLite reads synchronously, and weeks of a
  // thousand series in one query would hold the event loop (and ingest) for seconds.
  const bulk =
    stale.length > 0 && narrow(expr, {}) === undefined
      ? new Map(
          (await evaluate(ctx.storage, rule.tenant, expr, historyRange)).map((s) => [seriesKey(s).key, s]),
        )
      : undefined;
  for (const [i, s] of stale.entries()) {
    const { key, labels } = seriesKey(s);
    const past = bulk
      ? bulk.get(key)
      : // Exact matchers also match series with more labels: pick the one with exactly these.
        (await evaluate(ctx.storage, rule.tenant, narrow(expr, labels)!, historyRange)).find(
          (h) => seriesKey(h).key === key,
        );
    ctx.anomaly.models.set(
      cacheKey(key),
      past ? fitModel(toPoints(past), options, windowStart) : undefined,
      ctx.now,
    );
    if (i % FITS_PER_TURN === FITS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
  }

  const out: Observation[] = [];
  const expected = Math.max(1, Math.round(rule.window_ms / step_ms));
  for (const s of recent) {
    const { key, labels, metric } = seriesKey(s);
    const model = ctx.anomaly.models.fresh(cacheKey(key), ctx.now)?.model;
    if (!model) continue;
    const flagged: FlaggedPoint[] = [];
    for (const p of toPoints(s)) {
      const r = model.score(p.ts, p.value);
      if (r.anomalous)
        flagged.push({ ts: p.ts, end: p.ts + step_ms, score: r.score, value: p.value, baseline: r.baseline });
    }
    if (flagged.length === 0) continue;
    ctx.anomaly.mark(rule.tenant, rule.id, metric, labels, flagged);
    const last = flagged.at(-1)!;
    if (flagged.length / Math.min(expected, s.points.length || 1) >= rule.min_share)
      out.push({ labels, value: last.value, baseline: last.baseline });
  }
  return out;
}

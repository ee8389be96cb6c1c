import {
  fitModel,
  HOUR_MS,
  type DetectorOptions,
  type Point,
  type Score,
  type SeasonalModel,
} from './detector.ts';

export interface ScoredPoint extends Point {
  /** Undefined during cold start: not enough history before this point. */
  readonly result: Score | undefined;
}

/**
 * Scores a whole series the way the rule engine meets it: each point against a model fitted only
 * on the points before it, refitted every `refit_ms` (the engine refits on the same clock). Used by
 * `birdseye anomaly score` and the tests, so offline figures are the production detector's.
 */
export function scoreSeries(
  series: readonly Point[],
  options: DetectorOptions,
  refit_ms = HOUR_MS,
  /** Points before this are skipped (not fitted, not returned): scoring one week of a long series. */
  from = Number.NEGATIVE_INFINITY,
): ScoredPoint[] {
  const points = [...series].sort((a, b) => a.ts - b.ts);
  const out: ScoredPoint[] = [];
  let model: SeasonalModel | undefined;
  let lastFit = Number.NEGATIVE_INFINITY;
  let first = 0;
  for (let i = 0; i < points.length; i += 1) {
    const p = points[i]!;
    if (p.ts < from) continue;
    if (p.ts - lastFit >= refit_ms && p.ts - points[0]!.ts >= options.min_history_ms) {
      while (points[first]!.ts < p.ts - options.history_ms) first += 1;
      model = fitModel(points.slice(first, i), options, p.ts);
      lastFit = p.ts;
    }
    out.push({ ...p, result: Number.isFinite(p.value) ? model?.score(p.ts, p.value) : undefined });
  }
  return out;
}

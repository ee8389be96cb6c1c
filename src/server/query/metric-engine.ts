import type { MetricRangeQuery, SeriesBuckets, StorageBackend } from '../storage/backend.ts';
import type { Aggregation, MetricExpr } from './metric-query.ts';

export interface SeriesResult {
  labels: Record<string, string>;
  /** [ts (UTC ms, start of step), value] */
  points: Array<[number, number]>;
}

export interface RangeParams {
  from: number;
  to: number;
  step_ms: number;
}

const MAX_POINTS = 11_000;

/**
 * Steps a person would pick. From 5 minutes up each is a multiple of a rollup (5 min, 1 h), so a
 * chart over days reads rollups instead of every raw sample (a 7-day chart at the old
 * range/300 = 2,016 s step read 3 M raw samples for 50 hosts).
 */
const NICE_STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200,
].map((s) => s * 1000);

/** The smallest nice step that gives at most about `points` points over the range. */
export function defaultStep(from: number, to: number, points = 300): number {
  const raw = (to - from) / points;
  return NICE_STEPS_MS.find((ms) => ms >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

export function pointCount(range: RangeParams): number {
  return Math.floor((range.to - range.from) / range.step_ms) + 1;
}

export { MAX_POINTS };

async function fetch(
  backend: StorageBackend,
  tenant: string,
  expr: MetricExpr & { type: 'selector' },
  range: RangeParams,
  extraBefore = 0,
): Promise<SeriesBuckets[]> {
  const query: MetricRangeQuery = {
    name: expr.name,
    matchers: expr.matchers,
    from: range.from - extraBefore,
    to: range.to,
    step_ms: range.step_ms,
  };
  return backend.queryMetrics(tenant, query);
}

/** Per-second increase of a counter between consecutive buckets; a drop is a counter reset. */
function rate(series: SeriesBuckets, from: number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  const b = series.buckets;
  for (let i = 1; i < b.length; i++) {
    const prev = b[i - 1]!;
    const cur = b[i]!;
    if (cur.ts < from) continue;
    const increase = cur.max >= prev.max ? cur.max - prev.max : cur.max;
    points.push([cur.ts, increase / ((cur.ts - prev.ts) / 1000)]);
  }
  return points;
}

function combine(op: Aggregation, values: number[]): number {
  switch (op) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'count':
      return values.length;
  }
}

function aggregate(op: Aggregation, by: string[], input: SeriesResult[]): SeriesResult[] {
  const groups = new Map<string, { labels: Record<string, string>; byTs: Map<number, number[]> }>();
  for (const series of input) {
    const labels: Record<string, string> = {};
    for (const l of by) if (series.labels[l] !== undefined) labels[l] = series.labels[l];
    const key = JSON.stringify(by.map((l) => labels[l] ?? ''));
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { labels, byTs: new Map() }));
    for (const [ts, value] of series.points) {
      const list = group.byTs.get(ts);
      if (list) list.push(value);
      else group.byTs.set(ts, [value]);
    }
  }
  return [...groups.values()].map(({ labels, byTs }) => ({
    labels,
    points: [...byTs].sort((a, b) => a[0] - b[0]).map(([ts, values]) => [ts, combine(op, values)]),
  }));
}

export async function evaluate(
  backend: StorageBackend,
  tenant: string,
  expr: MetricExpr,
  range: RangeParams,
): Promise<SeriesResult[]> {
  switch (expr.type) {
    case 'selector':
      return (await fetch(backend, tenant, expr, range)).map((s) => ({
        labels: { __name__: s.name, ...s.labels },
        points: s.buckets.map((b) => [b.ts, b.sum / b.count]),
      }));
    case 'rate':
      // One step before the range gives the first point in range its predecessor.
      return (await fetch(backend, tenant, expr.arg, range, range.step_ms)).map((s) => ({
        labels: { ...s.labels },
        points: rate(s, range.from - (range.from % range.step_ms)),
      }));
    case 'aggregate':
      return aggregate(expr.op, expr.by, await evaluate(backend, tenant, expr.arg, range));
  }
}

import type { Bucket, LabelMatcher } from './backend.ts';

/** The canonical form of a label set: keys sorted, so equal sets give equal keys. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key]!;
  return JSON.stringify(sorted);
}

const compiled = new Map<string, RegExp>();

function anchored(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    // Prometheus anchors regex matchers at both ends.
    re = new RegExp(`^(?:${pattern})$`);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** A missing label matches as the empty string, as in Prometheus. */
export function matchesAll(
  labels: Readonly<Record<string, string>>,
  matchers: readonly LabelMatcher[],
): boolean {
  for (const m of matchers) {
    const value = labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        if (value !== m.value) return false;
        break;
      case '!=':
        if (value === m.value) return false;
        break;
      case '=~':
        if (!anchored(m.value).test(value)) return false;
        break;
      case '!~':
        if (anchored(m.value).test(value)) return false;
        break;
    }
  }
  return true;
}

export function bucketStart(ts: number, stepMs: number): number {
  return Math.floor(ts / stepMs) * stepMs;
}

/** Folds raw samples into buckets (used by backends that cannot aggregate natively). */
export function toBuckets(samples: Iterable<{ ts: number; value: number }>, stepMs: number): Bucket[] {
  const byStart = new Map<number, { ts: number; min: number; max: number; sum: number; count: number }>();
  for (const { ts, value } of samples) {
    const start = bucketStart(ts, stepMs);
    const b = byStart.get(start);
    if (!b) byStart.set(start, { ts: start, min: value, max: value, sum: value, count: 1 });
    else {
      b.min = Math.min(b.min, value);
      b.max = Math.max(b.max, value);
      b.sum += value;
      b.count += 1;
    }
  }
  return [...byStart.values()].sort((a, b) => a.ts - b.ts);
}

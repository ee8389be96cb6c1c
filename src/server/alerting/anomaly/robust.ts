/**
 * Order statistics the detector is built on. Medians and the MAD ignore up to half of their input,
 * which is what makes a baseline robust to outliers and to the anomalies it is meant to find.
 */

/** Moves the k-th smallest of a[lo..hi] to index k (Hoare's quickselect, expected linear time). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i += 1;
      while (a[j]! > pivot) j -= 1;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/** The q-quantile (0..1) of values, linearly interpolated; NaN for an empty list. Does not mutate. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const copy = new Float64Array(values);
  const pos = (copy.length - 1) * q;
  const lo = Math.floor(pos);
  const low = select(copy, lo);
  if (pos === lo) return low;
  // After selecting lo, everything above index lo is >= it: the next order statistic is their minimum.
  let high = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < copy.length; i += 1) if (copy[i]! < high) high = copy[i]!;
  return low + (high - low) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median absolute deviation from the median, scaled so it estimates σ for normal noise. */
export function mad(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - m)));
}

/** Groups values by an integer key; the detector's buckets (slot of day, slot of week, day). */
export class Buckets {
  readonly map = new Map<number, number[]>();

  add(key: number, value: number): void {
    const list = this.map.get(key);
    if (list) list.push(value);
    else this.map.set(key, [value]);
  }

  get(key: number): readonly number[] {
    return this.map.get(key) ?? [];
  }

  medians(minCount = 1): Map<number, number> {
    const out = new Map<number, number>();
    for (const [key, list] of this.map) if (list.length >= minCount) out.set(key, median(list));
    return out;
  }
}

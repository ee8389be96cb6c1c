import { Buckets, median, quantile } from './robust.ts';

/**
 * The seasonal-baseline detector. A model is fitted on a series' history and then scores points
 * after it. Invariants:
 *   - fitting reads only medians and MADs, so a spike, an outage or a level shift that covers less
 *     than half of any bucket moves neither the baseline nor the bounds;
 *   - the baseline at time t is level(t) + seasonal(t): the seasonal profile is one value per slot
 *     of the day (or of the week, when three weeks of history are there and a weekly profile fits
 *     clearly better), the level is the median of the deseasonalised last `level_window_ms`, moved
 *     along a trend (median day-to-day change);
 *   - bounds are baseline ± deviations × scale, where scale is the robust spread of the residuals
 *     in that slot of the day (never below half the overall spread), so a noisy peak hour gets
 *     wider bounds than a quiet night;
 *   - with less than `min_history_ms` of history (or under half the points it should have) there
 *     is no model: cold start, nothing is flagged.
 * Pure: same input, same output; the rule engine, the anomaly marks and `birdseye anomaly score`
 * all call `fitModel` and `SeasonalModel.score`.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** Width of the bounds in robust standard deviations, per sensitivity. */
export const SENSITIVITY_DEVIATIONS = { low: 6, medium: 4.5, high: 3 } as const;
export type Sensitivity = keyof typeof SENSITIVITY_DEVIATIONS;
export type Direction = 'both' | 'up' | 'down';

export interface DetectorOptions {
  /** Spacing of the points (series are bucketed at this step before they get here). */
  readonly step_ms: number;
  readonly sensitivity: Sensitivity;
  /** Cold start: no model, so no flag, until the history spans this long. */
  readonly min_history_ms: number;
  /** How much history a fit reads. Three weeks or more allow a weekly profile. */
  readonly history_ms: number;
  /** Width of one seasonal slot; divides a day. */
  readonly slot_ms: number;
  /** The current level is the median of this much recent (deseasonalised) history. */
  readonly level_window_ms: number;
  /** Which deviations count: `up` for error counts, where fewer than usual is good news. */
  readonly direction: Direction;
}

export const DEFAULT_DETECTOR: DetectorOptions = {
  step_ms: 5 * MINUTE_MS,
  sensitivity: 'medium',
  min_history_ms: 3 * DAY_MS,
  history_ms: 21 * DAY_MS,
  slot_ms: 30 * MINUTE_MS,
  level_window_ms: 6 * HOUR_MS,
  direction: 'both',
};

/**
 * The options the engine and `birdseye anomaly score` both use: the defaults with the given step,
 * and seasonal slots of 30 minutes when the step divides that (else an hour).
 */
export function detectorFor(
  step_ms: number,
  knobs: Partial<Pick<DetectorOptions, 'sensitivity' | 'min_history_ms' | 'history_ms' | 'direction'>> = {},
): DetectorOptions {
  const slot_ms = step_ms <= 30 * MINUTE_MS && (30 * MINUTE_MS) % step_ms === 0 ? 30 * MINUTE_MS : HOUR_MS;
  return { ...DEFAULT_DETECTOR, ...knobs, step_ms, slot_ms };
}

export interface Point {
  readonly ts: number;
  readonly value: number;
}

export interface Score {
  readonly baseline: number;
  readonly lower: number;
  readonly upper: number;
  /** |value − baseline| over the half-width of the bounds: above 1 is outside. */
  readonly score: number;
  readonly anomalous: boolean;
}

export interface SeasonalModel {
  /** End of the history the model was fitted on. */
  readonly fitted_at: number;
  readonly period: 'daily' | 'weekly';
  readonly history_points: number;
  score(ts: number, value: number): Score;
}

interface Profile {
  readonly period_ms: number;
  readonly values: Float64Array;
  readonly residuals: number[];
  /** Median number of points behind one slot value. */
  readonly per_slot: number;
}

function slotPosition(ts: number, period_ms: number, slot_ms: number): number {
  return (((ts % period_ms) + period_ms) % period_ms) / slot_ms;
}

/**
 * The seasonal value at ts: its slot's value. Not interpolated between slots, because real
 * patterns have steps (a weekend starting at midnight, an hourly job) that interpolation smears;
 * within-slot ramps show up as a wider spread in that slot instead.
 */
function seasonalAt(values: Float64Array, period_ms: number, slot_ms: number, ts: number): number {
  return values[Math.floor(slotPosition(ts, period_ms, slot_ms)) % values.length]!;
}

/**
 * One seasonal profile over a period (day or week), in two passes: cycle levels from well-covered
 * cycles give a first profile; levels of the deseasonalised values (unbiased for partial cycles)
 * then give the final one. Slots with fewer than 3 points get 0 (no seasonal offset).
 */
function fitProfile(points: readonly Point[], period_ms: number, slot_ms: number, step_ms: number): Profile {
  const slots = Math.round(period_ms / slot_ms);
  const slotOf = (ts: number): number => Math.floor(slotPosition(ts, period_ms, slot_ms)) % slots;
  const cycleOf = (ts: number): number => Math.floor(ts / period_ms);
  let values = new Float64Array(slots);
  let perSlot = 0;
  const expected = period_ms / step_ms;
  for (let pass = 0; pass < 2; pass += 1) {
    const cycles = new Buckets();
    for (const p of points) cycles.add(cycleOf(p.ts), p.value - seasonalAt(values, period_ms, slot_ms, p.ts));
    let levels = new Map<number, number>();
    for (const [cycle, list] of cycles.map)
      if (pass === 1 || list.length >= expected / 2) levels.set(cycle, median(list));
    if (levels.size === 0) levels = cycles.medians();
    const bySlot = new Buckets();
    for (const p of points) {
      const level = levels.get(cycleOf(p.ts));
      if (level !== undefined) bySlot.add(slotOf(p.ts), p.value - level);
    }
    const next = new Float64Array(slots);
    for (const [slot, m] of bySlot.medians(3)) next[slot] = m;
    values = next;
    perSlot = median([...bySlot.map.values()].map((list) => list.length));
  }
  const deseasonalised = new Buckets();
  for (const p of points)
    deseasonalised.add(cycleOf(p.ts), p.value - seasonalAt(values, period_ms, slot_ms, p.ts));
  const levels = deseasonalised.medians();
  const residuals = points.map(
    (p) => p.value - levels.get(cycleOf(p.ts))! - seasonalAt(values, period_ms, slot_ms, p.ts),
  );
  return { period_ms, values, residuals, per_slot: perSlot };
}

/**
 * Median change of the daily median per ms, from adjacent well-covered days: the steps into and
 * out of a weekend are two changes in seven, which the median ignores.
 */
function trendPerMs(points: readonly Point[], step_ms: number): number {
  const days = new Buckets();
  for (const p of points) days.add(Math.floor(p.ts / DAY_MS), p.value);
  const minCount = DAY_MS / step_ms / 2;
  const diffs: number[] = [];
  for (const [day, list] of days.map) {
    const next = days.get(day + 1);
    if (list.length >= minCount && next.length >= minCount) diffs.push(median(next) - median(list));
  }
  return diffs.length >= 3 ? median(diffs) / DAY_MS : 0;
}

/** How far the typical level of one weekday is from that of the median weekday. */
function weekdayEffect(points: readonly Point[], step_ms: number): number {
  const days = new Buckets();
  for (const p of points) days.add(Math.floor(p.ts / DAY_MS), p.value);
  const weekdays = new Buckets();
  for (const [day, list] of days.map)
    if (list.length >= DAY_MS / step_ms / 2) weekdays.add(new Date(day * DAY_MS).getUTCDay(), median(list));
  const levels = [...weekdays.medians().values()];
  if (levels.length < 7) return 0;
  const mid = median(levels);
  return Math.max(...levels.map((l) => Math.abs(l - mid)));
}

/** Fits a model on `history` (points before `end`, any order); undefined while cold. */
export function fitModel(
  history: readonly Point[],
  options: DetectorOptions,
  end = history.reduce((m, p) => Math.max(m, p.ts + options.step_ms), 0),
): SeasonalModel | undefined {
  const start = end - options.history_ms;
  const points = history.filter((p) => p.ts >= start && p.ts < end && Number.isFinite(p.value));
  if (points.some((p, i) => i > 0 && p.ts < points[i - 1]!.ts)) points.sort((a, b) => a.ts - b.ts);
  if (points.length < 10) return undefined;
  const span = end - points[0]!.ts;
  if (span < options.min_history_ms || points.length < span / options.step_ms / 2) return undefined;

  const { slot_ms, step_ms } = options;
  // The trend comes out first, so a week-long cycle does not read a rising series as a weekly shape.
  const slope = trendPerMs(points, step_ms);
  const detrended = points.map((p) => ({ ts: p.ts, value: p.value - slope * (p.ts - end) }));
  let profile = fitProfile(detrended, DAY_MS, slot_ms, step_ms);
  // Three weeks, so each weekly slot is a median over three weeks and one bad week cannot move it.
  if (span >= 3 * WEEK_MS) {
    const weekly = fitProfile(detrended, WEEK_MS, slot_ms, step_ms);
    const spread = (p: Profile) => median(p.residuals.map(Math.abs));
    if (
      weekdayEffect(detrended, step_ms) > 2 * 1.4826 * spread(profile) ||
      spread(weekly) < 0.85 * spread(profile)
    )
      profile = weekly;
  }
  const { period_ms, values, residuals, per_slot } = profile;
  const seasonal = (ts: number): number => seasonalAt(values, period_ms, slot_ms, ts);

  // Spread per slot of the day (with its neighbours), floored by half the overall spread.
  const daySlots = Math.round(DAY_MS / slot_ms);
  const daySlotOf = (ts: number): number => Math.floor(slotPosition(ts, DAY_MS, slot_ms)) % daySlots;
  const absBySlot = new Buckets();
  points.forEach((p, i) => absBySlot.add(daySlotOf(p.ts), Math.abs(residuals[i]!)));
  const absAll = residuals.map(Math.abs);
  // Residuals around a median fitted from n of them are about 1.2/n too small (simulated for
  // Gaussian noise); with two weeks of data a weekly slot has only ~12 points, so it matters.
  const shrink = 1 / (1 - 1.2 / Math.max(per_slot, 3));
  const overall = 1.4826 * median(absAll) * shrink;
  const magnitude = median(points.map((p) => Math.abs(p.value)));
  const floor = Math.max(1e-9, 1e-3 * magnitude, overall / 2);
  const scale = new Float64Array(daySlots);
  for (let s = 0; s < daySlots; s += 1) {
    const near = [s - 1, s, s + 1].flatMap((k) => absBySlot.get((k + daySlots) % daySlots));
    scale[s] = Math.max(floor, near.length >= 5 ? 1.4826 * median(near) * shrink : overall);
  }
  // A series that is mostly one value (MAD 0: idle counters, 0/1 gauges) has no spread to scale
  // by; its usual blips must not all be anomalies, so the bounds are no tighter than the blips.
  const deviations = SENSITIVITY_DEVIATIONS[options.sensitivity];
  const tail = overall <= Math.max(1e-9, 1e-3 * magnitude) ? quantile(absAll, 0.995) : 0;

  const recent = detrended
    .filter((p) => p.ts >= end - options.level_window_ms)
    .map((p) => p.value - seasonal(p.ts));
  const level = median(
    recent.length >= 3 ? recent : detrended.slice(-3).map((p) => p.value - seasonal(p.ts)),
  );

  return {
    fitted_at: end,
    period: period_ms === WEEK_MS ? 'weekly' : 'daily',
    history_points: points.length,
    score(ts, value) {
      const baseline = level + slope * (ts - end) + seasonal(ts);
      const radius = Math.max(deviations * scale[daySlotOf(ts)]!, tail * (1 + 1e-9));
      const deviation = value - baseline;
      const counts =
        options.direction === 'both' || (options.direction === 'up' ? deviation > 0 : deviation < 0);
      const score = counts ? Math.abs(deviation) / radius : 0;
      return { baseline, lower: baseline - radius, upper: baseline + radius, score, anomalous: score > 1 };
    },
  };
}

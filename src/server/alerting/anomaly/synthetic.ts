import { DAY_MS, HOUR_MS, type Point } from './detector.ts';

/**
 * Synthetic seasonal series for tests and the benchmark: a daily curve (quiet night, busy
 * afternoon), quieter weekends, a slow trend and seeded Gaussian noise. Deterministic per seed.
 */
export interface SeriesShape {
  readonly start: number;
  readonly days: number;
  readonly step_ms: number;
  readonly base: number;
  readonly daily_amplitude: number;
  /** Weekend level relative to weekdays (1 = no weekly pattern). */
  readonly weekend_factor: number;
  readonly trend_per_day: number;
  readonly noise: number;
  readonly seed: number;
}

export const SHAPE: SeriesShape = {
  // A Monday, 00:00 UTC.
  start: Date.UTC(2026, 0, 5),
  days: 28,
  step_ms: 5 * 60_000,
  base: 100,
  daily_amplitude: 40,
  weekend_factor: 0.6,
  trend_per_day: 0.5,
  noise: 3,
  seed: 1,
};

/** mulberry32: a tiny seeded PRNG, so a failing case can be replayed exactly. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** The noiseless value at ts. */
export function expected(shape: SeriesShape, ts: number): number {
  const hour = (ts % DAY_MS) / HOUR_MS;
  const day = Math.floor((ts - shape.start) / DAY_MS);
  const weekday = (new Date(ts).getUTCDay() + 6) % 7;
  const daily = shape.daily_amplitude * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI));
  const weekly = weekday >= 5 ? shape.weekend_factor : 1;
  return (shape.base + daily) * weekly + shape.trend_per_day * day;
}

export function synthetic(overrides: Partial<SeriesShape> = {}): Point[] {
  const shape = { ...SHAPE, ...overrides };
  const rand = random(shape.seed);
  const out: Point[] = [];
  for (let ts = shape.start; ts < shape.start + shape.days * DAY_MS; ts += shape.step_ms)
    out.push({ ts, value: expected(shape, ts) + shape.noise * gaussian(rand) });
  return out;
}

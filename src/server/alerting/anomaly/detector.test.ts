import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, DEFAULT_DETECTOR, fitModel, HOUR_MS, type DetectorOptions, type Point } from './detector.ts';
import { scoreSeries } from './score-series.ts';
import { SHAPE, synthetic } from './synthetic.ts';

const options: DetectorOptions = { ...DEFAULT_DETECTOR, step_ms: SHAPE.step_ms };
const at = (day: number, hour: number): number => SHAPE.start + day * DAY_MS + hour * HOUR_MS;

/** Applies `change` to the points in [from, to). */
function inject(points: Point[], from: number, to: number, change: (p: Point) => number): Point[] {
  return points.map((p) => (p.ts >= from && p.ts < to ? { ts: p.ts, value: change(p) } : p));
}

/** Timestamps flagged in [from, to), each point scored against a model of the points before it. */
function flagged(points: readonly Point[], from: number, to: number, opts = options): number[] {
  // The engine refits hourly; 3 h here keeps the suite fast and changes no assertion's outcome.
  return scoreSeries(points, opts, 3 * HOUR_MS, from)
    .filter((p) => p.ts < to && p.result?.anomalous)
    .map((p) => p.ts);
}

/**
 * What an alert rule with the default window would do: windows of 30 minutes (6 points) in which
 * at least half of the points are flagged. A lone flagged point is not an alarm.
 */
function alarms(flags: readonly number[]): number[] {
  const window = 6 * SHAPE.step_ms;
  return flags.filter((ts) => flags.filter((t) => t > ts - window && t <= ts).length >= 3);
}

const lastWeek = [at(21, 0), at(28, 0)] as const;

describe('seasonal detector: clean series raise no alarm', () => {
  const cases: Array<{ name: string; series: Point[]; from: number; to: number }> = [
    {
      name: 'daily and weekly pattern, fourth week',
      series: synthetic(),
      from: lastWeek[0],
      to: lastWeek[1],
    },
    {
      name: 'daily pattern only, days 3 to 10 (before a weekly profile is possible)',
      series: synthetic({ days: 10, weekend_factor: 1, seed: 2 }),
      from: at(3, 0),
      to: at(10, 0),
    },
    {
      name: 'heavier noise and a steeper trend',
      series: synthetic({ noise: 8, trend_per_day: 3, seed: 3 }),
      from: lastWeek[0],
      to: lastWeek[1],
    },
    {
      name: 'flat series with tiny noise',
      series: synthetic({ daily_amplitude: 0, weekend_factor: 1, trend_per_day: 0, noise: 0.01, seed: 4 }),
      from: lastWeek[0],
      to: lastWeek[1],
    },
    {
      name: 'mostly-zero counter with usual single blips',
      series: synthetic({
        seed: 5,
        base: 0,
        daily_amplitude: 0,
        weekend_factor: 1,
        trend_per_day: 0,
        noise: 0,
      }).map((p, i) => ({ ts: p.ts, value: i % 97 === 0 ? 1 : 0 })),
      from: lastWeek[0],
      to: lastWeek[1],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: no alarm over a week, at most 2 lone points flagged`, () => {
      const flags = flagged(c.series, c.from, c.to);
      assert.deepEqual(alarms(flags), []);
      assert.ok(
        flags.length <= 2,
        `${flags.length} points flagged: ${flags.map((t) => new Date(t).toISOString()).join(', ')}`,
      );
    });
  }
});

describe('seasonal detector: injected anomalies are found where they are', () => {
  const clean = synthetic();
  const cases: Array<{ name: string; series: Point[]; from: number; to: number; min: number }> = [
    {
      name: 'a spike of +40 (about 13 σ) for 10 minutes at 03:00',
      series: inject(clean, at(23, 3), at(23, 3) + 600_000, (p) => p.value + 40),
      from: at(23, 3),
      to: at(23, 3) + 600_000,
      min: 2,
    },
    {
      name: 'a level shift of +30 from day 24 12:00',
      series: inject(clean, at(24, 12), at(28, 0), (p) => p.value + 30),
      from: at(24, 12),
      to: at(24, 15),
      min: 30,
    },
    {
      name: 'the afternoon peak missing on a Wednesday',
      series: inject(clean, at(23, 10), at(23, 18), (p) => 100 + SHAPE.trend_per_day * 23 + (p.value % 1)),
      from: at(23, 10),
      to: at(23, 18),
      min: 48,
    },
    {
      name: 'a drop to zero (an outage) for an hour',
      series: inject(clean, at(25, 20), at(25, 21), () => 0),
      from: at(25, 20),
      to: at(25, 21),
      min: 12,
    },
  ];
  for (const c of cases) {
    it(`${c.name}`, () => {
      const hits = flagged(c.series, lastWeek[0], lastWeek[1]);
      const inside = hits.filter((ts) => ts >= c.from && ts < c.to);
      assert.ok(inside.length >= c.min, `flagged ${inside.length} points inside, wanted ${c.min}`);
      // A level shift is flagged until the level window takes the new level as normal, no longer.
      const outside = alarms(hits).filter((ts) => ts < c.from || ts >= c.from + DAY_MS);
      assert.deepEqual(outside, [], 'no alarm before the anomaly or a day after it started');
    });
  }

  it('the level shift becomes the new normal within a day', () => {
    const shifted = inject(clean, at(24, 12), at(28, 0), (p) => p.value + 30);
    assert.deepEqual(alarms(flagged(shifted, at(25, 12), at(28, 0))), []);
  });
});

describe('seasonal detector: knobs and robustness', () => {
  it('flags nothing during cold start, even a huge spike', () => {
    const series = inject(synthetic({ days: 4 }), at(1, 3), at(1, 4), () => 10_000);
    assert.deepEqual(flagged(series, at(0, 0), at(3, 0)), []);
    assert.equal(
      fitModel(
        series.filter((p) => p.ts < at(2, 0)),
        options,
      ),
      undefined,
    );
  });

  it('a history full of past anomalies still gives a quiet clean week and finds a new spike', () => {
    let dirty = synthetic({ seed: 7 });
    dirty = inject(dirty, at(2, 9), at(2, 11), () => 0);
    dirty = inject(dirty, at(6, 14), at(6, 15), (p) => p.value * 3);
    dirty = inject(dirty, at(9, 3), at(9, 5), () => 0);
    dirty = inject(dirty, at(11, 20), at(11, 20.5), (p) => p.value * 3);
    dirty = inject(dirty, at(12, 0), at(12, 12), (p) => p.value + 25);
    assert.deepEqual(alarms(flagged(dirty, lastWeek[0], lastWeek[1])), []);
    const spiked = inject(dirty, at(26, 2), at(26, 2) + 900_000, (p) => p.value + 40);
    assert.deepEqual(
      alarms(flagged(spiked, lastWeek[0], lastWeek[1])),
      [at(26, 2) + 600_000],
      'the third flagged point of the spike makes the only alarm',
    );
  });

  it('learns the weekly pattern: a weekday-level Saturday is anomalous, a normal one is not', () => {
    const clean = synthetic({ seed: 8 });
    const saturday = [at(26, 0), at(27, 0)] as const;
    assert.deepEqual(alarms(flagged(clean, saturday[0], saturday[1])), []);
    const busy = inject(clean, saturday[0], saturday[1], (p) => p.value / SHAPE.weekend_factor);
    assert.ok(flagged(busy, saturday[0], saturday[1]).length > 50);
    const model = fitModel(
      clean.filter((p) => p.ts < saturday[0]),
      options,
      saturday[0],
    );
    assert.equal(model?.period, 'weekly');
  });

  it('higher sensitivity flags a moderate deviation that lower sensitivity lets pass', () => {
    const series = inject(synthetic({ seed: 9 }), at(23, 3), at(23, 4), (p) => p.value + 12);
    const count = (sensitivity: DetectorOptions['sensitivity']) =>
      flagged(series, at(23, 3), at(23, 4), { ...options, sensitivity }).length;
    assert.ok(count('high') > 6, `high: ${count('high')}`);
    assert.ok(count('low') <= 1, `low: ${count('low')}`);
  });

  it('direction "up" ignores a drop and still catches a rise', () => {
    const up = { ...options, direction: 'up' as const };
    const dropped = inject(synthetic({ seed: 10 }), at(23, 12), at(23, 14), () => 0);
    assert.deepEqual(alarms(flagged(dropped, lastWeek[0], lastWeek[1], up)), []);
    const raised = inject(synthetic({ seed: 10 }), at(23, 12), at(23, 14), (p) => p.value * 2);
    assert.ok(flagged(raised, at(23, 12), at(23, 14), up).length >= 20);
  });

  it('scores grow with the size of the deviation, and bounds contain the baseline', () => {
    const history = synthetic({ days: 14, seed: 11 });
    const model = fitModel(history, options, at(14, 0))!;
    const ts = at(14, 12);
    const base = model.score(ts, 0).baseline;
    const small = model.score(ts, base + 5);
    const large = model.score(ts, base + 50);
    assert.ok(small.score < large.score);
    assert.ok(small.lower < small.baseline && small.baseline < small.upper);
    assert.equal(small.anomalous, false);
    assert.equal(large.anomalous, true);
  });
});

/**
 * Detector evaluation on labeled synthetic series (the generator of the detector's tests): per
 * sensitivity, the share of clean points flagged and the alarms (3 of 6 points in 30 minutes) in
 * clean weeks, and how many injected anomalies are found. Seeds 1..SEEDS; every figure is computed.
 */
import {
  DAY_MS,
  detectorFor,
  HOUR_MS,
  type Point,
  type Sensitivity,
} from '../src/server/alerting/anomaly/detector.ts';
import { REFIT_MS } from '../src/server/alerting/anomaly/model-cache.ts';
import { scoreSeries } from '../src/server/alerting/anomaly/score-series.ts';
import { SHAPE, synthetic } from '../src/server/alerting/anomaly/synthetic.ts';

const SEEDS = Number(process.env.BENCH_ANOMALY_SEEDS ?? 5);
const at = (day: number, hour: number): number => SHAPE.start + day * DAY_MS + hour * HOUR_MS;
const lastWeek = at(21, 0);

type Injection = { name: string; from: number; to: number; change: (p: Point) => number };
const INJECTIONS: Injection[] = [
  { name: 'spike +40 for 10 min', from: at(23, 3), to: at(23, 3) + 600_000, change: (p) => p.value + 40 },
  { name: 'level shift +30', from: at(24, 12), to: at(28, 0), change: (p) => p.value + 30 },
  { name: 'afternoon peak missing', from: at(22, 10), to: at(22, 18), change: (p) => 100 + (p.value % 1) },
  { name: 'outage to 0 for 1 h', from: at(25, 20), to: at(25, 21), change: () => 0 },
  { name: 'rise +15 for 1 h', from: at(26, 3), to: at(26, 4), change: (p) => p.value + 15 },
];

function alarms(flags: readonly number[]): number {
  const window = 6 * SHAPE.step_ms;
  return flags.filter((ts) => flags.filter((t) => t > ts - window && t <= ts).length >= 3).length;
}

for (const sensitivity of ['low', 'medium', 'high'] as Sensitivity[]) {
  const options = detectorFor(SHAPE.step_ms, { sensitivity });
  let points = 0;
  let flagged = 0;
  let falseAlarms = 0;
  const found = new Map<string, number>();
  for (let seed = 1; seed <= SEEDS; seed += 1) {
    const clean = synthetic({ seed });
    const scored = scoreSeries(clean, options, REFIT_MS, lastWeek);
    const flags = scored.filter((p) => p.result?.anomalous).map((p) => p.ts);
    points += scored.length;
    flagged += flags.length;
    falseAlarms += alarms(flags);
    for (const inj of INJECTIONS) {
      // History up to the anomaly plus its first day: enough to find it, no more to score.
      const series = clean
        .filter((p) => p.ts < Math.min(inj.to, inj.from + DAY_MS))
        .map((p) => (p.ts >= inj.from ? { ts: p.ts, value: inj.change(p) } : p));
      const hits = scoreSeries(series, options, REFIT_MS, inj.from).filter((p) => p.result?.anomalous);
      if (hits.length > 0) found.set(inj.name, (found.get(inj.name) ?? 0) + 1);
    }
  }
  console.log(
    `anomaly detector, sensitivity ${sensitivity}, ${SEEDS} clean weeks: ${flagged} of ${points} points flagged ` +
      `(${((flagged / points) * 100).toFixed(3)} %), ${falseAlarms} alarms; injected anomalies found: ` +
      INJECTIONS.map((i) => `${i.name} ${found.get(i.name) ?? 0}/${SEEDS}`).join(', '),
  );
}

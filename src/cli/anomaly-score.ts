import { readFileSync } from 'node:fs';
import { BirdseyeError } from '../core/errors.ts';
import {
  DEFAULT_DETECTOR,
  detectorFor,
  SENSITIVITY_DEVIATIONS,
  type DetectorOptions,
  type Point,
  type Sensitivity,
} from '../server/alerting/anomaly/detector.ts';
import { REFIT_MS } from '../server/alerting/anomaly/model-cache.ts';
import { scoreSeries } from '../server/alerting/anomaly/score-series.ts';

export interface ScoreFlags {
  input: string;
  sensitivity?: string;
  minHistory?: string;
  direction?: string;
}

/** Epoch ms or s, RFC 3339, or NAB's `2014-04-01 00:05:00` (UTC). */
export function parseTimestamp(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return n < 1e11 ? n * 1000 : n;
  }
  const iso = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(t) ? `${t.replace(' ', 'T')}Z` : t;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Rows of `timestamp,value` (a header row is skipped); a bad row is an error naming its line. */
export function parseSeriesCsv(text: string, file: string): Point[] {
  const points: Point[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const [ts, value, ...rest] = line.split(',');
    const when = parseTimestamp(ts ?? '');
    const v = Number(value);
    if (i === 0 && (when === undefined || Number.isNaN(v))) return;
    if (
      when === undefined ||
      value === undefined ||
      value.trim() === '' ||
      Number.isNaN(v) ||
      rest.length > 0
    )
      throw new BirdseyeError(
        'BE_CONFIG_INVALID',
        `${file}:${i + 1}: expected "timestamp,value" (epoch ms/s or RFC 3339, then a number), got "${line.slice(0, 80)}"`,
      );
    points.push({ ts: when, value: v });
  });
  if (points.length < 2) throw new BirdseyeError('BE_CONFIG_INVALID', `${file}: fewer than two rows`);
  return points;
}

/** The spacing of the series: the median gap between rows. */
export function inferStep(points: readonly Point[]): number {
  const gaps = points
    .slice(1)
    .map((p, i) => p.ts - points[i]!.ts)
    .filter((g) => g > 0)
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 60_000;
}

const durationMs = (text: string): number | undefined => {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
};

/**
 * `birdseye anomaly score --input series.csv`: every row scored by the production detector
 * (model fitted only on earlier rows, refitted as often as the engine refits), printed as CSV:
 * timestamp,value,baseline,lower,upper,score,anomaly. Cold-start rows have empty model columns.
 */
export function anomalyScore(flags: ScoreFlags, out: (line: string) => void): void {
  const points = parseSeriesCsv(readFileSync(flags.input, 'utf8'), flags.input);
  const sensitivity = (flags.sensitivity ?? DEFAULT_DETECTOR.sensitivity) as Sensitivity;
  if (!(sensitivity in SENSITIVITY_DEVIATIONS))
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      `--sensitivity: "${sensitivity}" must be low, medium or high`,
    );
  const direction = (flags.direction ?? 'both') as DetectorOptions['direction'];
  if (!['both', 'up', 'down'].includes(direction))
    throw new BirdseyeError('BE_CONFIG_INVALID', `--direction: "${direction}" must be both, up or down`);
  const minHistory =
    flags.minHistory === undefined ? DEFAULT_DETECTOR.min_history_ms : durationMs(flags.minHistory);
  if (minHistory === undefined)
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      `--min-history: "${flags.minHistory}" is not a duration like 3d or 12h`,
    );
  const step_ms = inferStep(points);
  const options = detectorFor(step_ms, { sensitivity, direction, min_history_ms: minHistory });
  out('timestamp,value,baseline,lower,upper,score,anomaly');
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(6));
  for (const p of scoreSeries(points, options, REFIT_MS)) {
    const r = p.result;
    const ts = new Date(p.ts).toISOString();
    out(
      r
        ? `${ts},${p.value},${fmt(r.baseline)},${fmt(r.lower)},${fmt(r.upper)},${r.score.toFixed(3)},${r.anomalous ? 1 : 0}`
        : `${ts},${p.value},,,,,0`,
    );
  }
}

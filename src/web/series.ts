/** Turns API series into the column arrays uPlot draws; pure, so tested in Node. */
import type { QueryResult, Series } from './api.ts';

/** x in seconds (uPlot's unit), then one y column per line; null leaves a gap. */
export type Columns = [number[], ...Array<Array<number | null>>];

/** A gap longer than this many steps is drawn as a break, not bridged by a straight line. */
const GAP_STEPS = 2.5;

/** The first series of a result as a map from timestamp (ms) to value. */
export function byTimestamp(result: QueryResult): Map<number, number> {
  const first: Series | undefined = result.series[0];
  return new Map(first?.points ?? []);
}

/**
 * Lines that share the x axis: every timestamp any line has, in order, and a null where a line
 * has no value or where the data stops for longer than a few steps (an agent was down).
 */
export function toColumns(lines: Array<Map<number, number>>, stepMs: number): Columns {
  const stamps = [...new Set(lines.flatMap((line) => [...line.keys()]))].sort((a, b) => a - b);
  // Reports sparser than the step (a 30 s agent interval on a 12 s step) are not gaps: the break
  // is measured against the usual spacing of the points as well as the step.
  const spacing = Math.max(stepMs, medianSpacing(stamps));
  const xs: number[] = [];
  const ys: Array<Array<number | null>> = lines.map(() => []);
  let previous: number | undefined;
  for (const ts of stamps) {
    if (previous !== undefined && ts - previous > spacing * GAP_STEPS) {
      xs.push((previous + spacing) / 1000);
      for (const column of ys) column.push(null);
    }
    xs.push(ts / 1000);
    lines.forEach((line, i) => ys[i]!.push(line.get(ts) ?? null));
    previous = ts;
  }
  return [xs, ...ys];
}

function medianSpacing(stamps: number[]): number {
  if (stamps.length < 3) return 0;
  const gaps = stamps.slice(1).map((ts, i) => ts - stamps[i]!);
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor((gaps.length - 1) / 2)]!;
}

/** `a − b` at every timestamp both have (used memory = total − available). */
export function subtract(a: Map<number, number>, b: Map<number, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [ts, value] of a) {
    const other = b.get(ts);
    if (other !== undefined) out.set(ts, value - other);
  }
  return out;
}

/** Points with a value in the first y column: what the chart actually draws. */
export function drawnPoints(columns: Columns): number {
  return columns[1]?.filter((v) => v !== null).length ?? 0;
}

/** The newest value of the first series, if any. */
export function latest(result: QueryResult): number | undefined {
  return result.series[0]?.points.at(-1)?.[1];
}

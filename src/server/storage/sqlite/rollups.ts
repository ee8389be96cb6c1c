import type Database from 'better-sqlite3';
import type { Bucket } from '../backend.ts';

/**
 * Metric rollups: per series, min/max/sum/count of every 5-minute and 1-hour bucket, so a query
 * over days reads a few hundred rows per series instead of every raw sample.
 *
 * Invariants:
 * - `rollup_state.done_ts` per resolution: every bucket that starts before it is in `rollups`,
 *   built from the samples stored when `build` ran.
 * - A sample written later with a time before `done_ts` (an agent catching up after an outage, a
 *   resent value) has its buckets rebuilt at the end of the same write transaction (each at most
 *   one hour of one series). So the rollup never disagrees with the raw samples, even for a moment.
 * - Queries read rollups only for whole buckets inside [from, to] and before `done_ts`, and raw
 *   samples for the rest, so a result is the same either way (see contract.test.ts).
 */
export const ROLLUP_RESOLUTIONS_MS = [3_600_000, 300_000] as const;

/** Time one rollup transaction covers at most. */
const SLICE_MS = 6 * 3_600_000;

export const ROLLUP_SCHEMA = `
CREATE TABLE IF NOT EXISTS rollups (
  series_id INTEGER NOT NULL, res INTEGER NOT NULL, ts INTEGER NOT NULL,
  min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (series_id, res, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollup_state (res INTEGER PRIMARY KEY, done_ts INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS batches_received ON batches (received_ts);
`;

const AGGREGATE = `SELECT series_id, @res, CAST(ts / @res AS INTEGER) * @res, min(value), max(value), sum(value), count(*)
  FROM samples WHERE series_id = @id AND ts >= @from AND ts < @to GROUP BY 3`;

export class Rollups {
  private readonly done = new Map<number, number>();
  /** Buckets of the current write transaction that already were rolled up: `series:res:ts`. */
  private late = new Set<string>();
  private readonly s;

  constructor(private readonly db: Database.Database) {
    db.exec(ROLLUP_SCHEMA);
    for (const row of db.prepare('SELECT res, done_ts FROM rollup_state').all() as Array<{
      res: number;
      done_ts: number;
    }>) {
      this.done.set(row.res, row.done_ts);
    }
    this.s = {
      build: db.prepare(
        `INSERT OR REPLACE INTO rollups (series_id, res, ts, min, max, sum, count) ${AGGREGATE}`,
      ),
      clear: db.prepare(
        'DELETE FROM rollups WHERE series_id = @id AND res = @res AND ts >= @from AND ts < @to',
      ),
      seriesIds: db.prepare<[], { id: number }>('SELECT id FROM series'),
      oldest: db.prepare<[number], { m: number | null }>(
        'SELECT min(ts) AS m FROM samples WHERE series_id = ?',
      ),
      setDone: db.prepare('INSERT OR REPLACE INTO rollup_state (res, done_ts) VALUES (?, ?)'),
      read: db.prepare<[{ step: number; id: number; res: number; from: number; to: number }], Bucket>(`
        SELECT CAST(ts / @step AS INTEGER) * @step AS ts, min(min) AS min, max(max) AS max,
               sum(sum) AS sum, sum(count) AS count
        FROM rollups WHERE series_id = @id AND res = @res AND ts >= @from AND ts < @to
        GROUP BY 1 ORDER BY 1`),
    };
  }

  /** Inside the write transaction: a sample for an already built bucket marks it for rebuilding. */
  noteSample(seriesId: number, ts: number): void {
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      const done = this.done.get(res);
      if (done !== undefined && ts < done) this.late.add(`${seriesId}:${res}:${Math.floor(ts / res) * res}`);
    }
  }

  /** At the end of the write transaction: rebuilds the buckets late samples fell into. */
  rebuildLate(): void {
    const late = this.late;
    this.late = new Set();
    for (const key of late) {
      const [id, res, ts] = key.split(':').map(Number) as [number, number, number];
      const range = { id, res, from: ts, to: ts + res };
      this.s.clear.run(range);
      this.s.build.run(range);
    }
  }

  /** A failed write transaction rolled back: forget what it noted. */
  reset(): void {
    this.late = new Set();
  }

  /**
   * Rolls up the buckets that closed since the last run, up to `now`, at most `SLICE_MS` of time
   * per call, each slice one transaction that also advances the watermark. Returns true while
   * more remains: the caller yields to the event loop in between, so a first run over weeks of
   * samples never stalls ingest for long. A first run starts at the oldest sample.
   */
  buildSlice(now: number): boolean {
    const ids = this.s.seriesIds.all();
    const advanced = new Map<number, number>();
    let more = false;
    this.db.transaction(() => {
      for (const res of ROLLUP_RESOLUTIONS_MS) {
        const from = this.done.get(res) ?? this.oldest(res);
        if (from === undefined) continue;
        const end = Math.floor(now / res) * res;
        const to = Math.min(end, from + SLICE_MS);
        if (to <= from) continue;
        for (const { id } of ids) this.s.build.run({ id, res, from, to });
        this.s.setDone.run(res, to);
        advanced.set(res, to);
        if (to < end) more = true;
      }
    })();
    // Only once committed: a rolled-back run leaves the watermarks where they were.
    for (const [res, to] of advanced) this.done.set(res, to);
    return more;
  }

  /** The start of the bucket of the oldest sample (one index seek per series), or undefined. */
  private oldest(res: number): number | undefined {
    let min: number | undefined;
    for (const { id } of this.s.seriesIds.all()) {
      const m = this.s.oldest.get(id)?.m ?? null;
      if (m !== null && (min === undefined || m < min)) min = m;
    }
    return min === undefined ? undefined : Math.floor(min / res) * res;
  }

  /** After a failed write transaction: the cached watermarks are still those committed. */
  doneTs(res: number): number | undefined {
    return this.done.get(res);
  }

  /**
   * The rollup that can answer a step (the coarsest that divides it), and the range [from, to) of
   * whole rollup buckets inside the query and already built; undefined when raw samples must do.
   */
  plan(step: number, from: number, to: number): { res: number; from: number; to: number } | undefined {
    for (const res of ROLLUP_RESOLUTIONS_MS) {
      if (step < res || step % res !== 0) continue;
      const done = this.done.get(res);
      if (done === undefined) continue;
      const a = Math.ceil(from / res) * res;
      const b = Math.min(done, Math.floor(to / res) * res);
      if (b > a) return { res, from: a, to: b };
    }
    return undefined;
  }

  read(id: number, step: number, plan: { res: number; from: number; to: number }): Bucket[] {
    return this.s.read.all({ id, step, ...plan });
  }
}

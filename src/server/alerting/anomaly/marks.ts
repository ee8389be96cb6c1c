import type Database from 'better-sqlite3';
import type { Labels } from '../model.ts';

/**
 * Anomaly marks: stretches of a series that the detector found outside its bounds, kept whether
 * or not a rule alerts on them, so charts can shade them (like Netdata's anomaly bit). One row per
 * stretch: a flagged point that touches or overlaps a stretch of the same rule and series extends
 * it, so re-scoring an overlapping window on the next evaluation adds no duplicates.
 */
export interface AnomalyMark {
  readonly id: number;
  readonly tenant: string;
  readonly rule_id: string;
  /** The metric (or `log_count` for log rules). */
  readonly metric: string;
  readonly labels: Labels;
  readonly host: string | null;
  readonly container: string | null;
  readonly start: number;
  readonly end: number;
  /** The largest score in the stretch (1 = on the bound). */
  readonly score: number;
  /** Value and baseline at the point with that score. */
  readonly value: number;
  readonly baseline: number;
}

export interface FlaggedPoint {
  readonly ts: number;
  readonly end: number;
  readonly score: number;
  readonly value: number;
  readonly baseline: number;
}

export interface MarkQuery {
  readonly from: number;
  readonly to: number;
  readonly host?: string | undefined;
  readonly container?: string | undefined;
  readonly limit: number;
}

export const MARKS_SCHEMA = `
CREATE TABLE IF NOT EXISTS anomalies (
  id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, rule_id TEXT NOT NULL, series TEXT NOT NULL,
  metric TEXT NOT NULL, labels TEXT NOT NULL, host TEXT, container TEXT, start REAL NOT NULL,
  "end" REAL NOT NULL, score REAL NOT NULL, value REAL NOT NULL, baseline REAL NOT NULL);
CREATE INDEX IF NOT EXISTS anomalies_series ON anomalies (rule_id, series, "end");
CREATE INDEX IF NOT EXISTS anomalies_time ON anomalies (tenant, "end");
`;

/** Container metrics carry `name` (cAdvisor style); log groups carry `container_name`. */
function containerOf(labels: Labels): string | null {
  return labels.container_name ?? labels.name ?? labels.container ?? null;
}

export class MarkStore {
  constructor(private readonly db: Database.Database) {}

  record(
    tenant: string,
    ruleId: string,
    metric: string,
    labels: Labels,
    points: readonly FlaggedPoint[],
  ): void {
    const series = JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((k) => [k, labels[k]]),
    );
    const find = this.db.prepare(
      `SELECT id, start, "end", score FROM anomalies WHERE rule_id = ? AND series = ? AND tenant = ?
       AND "end" >= ? AND start <= ? ORDER BY "end" DESC LIMIT 1`,
    );
    const extend = this.db.prepare(
      `UPDATE anomalies SET start = min(start, @start), "end" = max("end", @end),
         value = CASE WHEN @score > score THEN @value ELSE value END,
         baseline = CASE WHEN @score > score THEN @baseline ELSE baseline END,
         score = max(score, @score) WHERE id = @id`,
    );
    const insert = this.db.prepare(
      `INSERT INTO anomalies (tenant, rule_id, series, metric, labels, host, container, start, "end", score, value, baseline)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const run = this.db.transaction(() => {
      for (const p of [...points].sort((a, b) => a.ts - b.ts)) {
        const hit = find.get(ruleId, series, tenant, p.ts, p.end) as { id: number } | undefined;
        if (hit)
          extend.run({
            id: hit.id,
            start: p.ts,
            end: p.end,
            score: p.score,
            value: p.value,
            baseline: p.baseline,
          });
        else
          insert.run(
            tenant,
            ruleId,
            series,
            metric,
            JSON.stringify(labels),
            labels.host ?? null,
            containerOf(labels),
            p.ts,
            p.end,
            p.score,
            p.value,
            p.baseline,
          );
      }
    });
    run();
  }

  /** Marks overlapping [from, to], newest first. */
  list(tenant: string, q: MarkQuery): AnomalyMark[] {
    const where = ['tenant = @tenant', 'start <= @to', '"end" >= @from'];
    if (q.host !== undefined) where.push('host = @host');
    if (q.container !== undefined) where.push('container = @container');
    const rows = this.db
      .prepare(
        `SELECT id, tenant, rule_id, metric, labels, host, container, start, "end", score, value, baseline
         FROM anomalies WHERE ${where.join(' AND ')} ORDER BY "end" DESC LIMIT @limit`,
      )
      .all({ tenant, from: q.from, to: q.to, host: q.host, container: q.container, limit: q.limit }) as Array<
      Omit<AnomalyMark, 'labels'> & { labels: string }
    >;
    return rows.map((r) => ({ ...r, labels: JSON.parse(r.labels) as Labels }));
  }

  prune(cutoff: number): void {
    this.db.prepare('DELETE FROM anomalies WHERE "end" < ?').run(cutoff);
  }
}

import type Database from 'better-sqlite3';
import {
  applyUpdate,
  summarise,
  type PatternQuery,
  type PatternRow,
  type PatternSummary,
  type PatternUpdate,
} from '../pattern-types.ts';

interface StoredRow extends Omit<PatternRow, 'examples'> {
  examples: string;
}

/**
 * The `patterns` and `pattern_counts` tables. A flush of the miner is one transaction; ranking a
 * range reads the tenant's pattern rows (bounded by the miner's limits) and sums the per-minute
 * counts in SQL, grouped to the sparkline's step.
 */
export class PatternStore {
  private readonly get: Database.Statement<[string, string], StoredRow>;
  private readonly upsert: Database.Statement;
  private readonly addCount: Database.Statement;
  private readonly rows: Database.Statement<[string], StoredRow>;
  private readonly counts: Database.Statement<
    [{ tenant: string; from: number; to: number; step: number; origin: number }],
    { pattern: string; ts: number; n: number }
  >;
  private readonly prune: Database.Statement<[number]>;
  private readonly writeAll: (tenant: string, updates: readonly PatternUpdate[]) => void;

  constructor(db: Database.Database) {
    this.get = db.prepare('SELECT * FROM patterns WHERE tenant = ? AND id = ?');
    this.upsert = db.prepare(`INSERT OR REPLACE INTO patterns
      (tenant, id, source, template, total, first_seen, last_seen, severity, examples, merged_into)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.addCount = db.prepare(`INSERT INTO pattern_counts (tenant, pattern, ts, count) VALUES (?, ?, ?, ?)
      ON CONFLICT (tenant, ts, pattern) DO UPDATE SET count = count + excluded.count`);
    this.rows = db.prepare('SELECT * FROM patterns WHERE tenant = ?');
    // Buckets are minute starts; grouping to the step keeps what JavaScript reads small.
    this.counts = db.prepare(`SELECT pattern, @origin + CAST((ts - @origin) / @step AS INTEGER) * @step AS ts,
      sum(count) AS n FROM pattern_counts WHERE tenant = @tenant AND ts BETWEEN @from AND @to GROUP BY 1, 2`);
    this.prune = db.prepare('DELETE FROM pattern_counts WHERE ts < ?');
    this.writeAll = db.transaction((tenant: string, updates: readonly PatternUpdate[]) => {
      for (const u of updates) {
        const old = this.get.get(tenant, u.id);
        const row = applyUpdate(old ? parse(old) : undefined, u);
        this.upsert.run(
          tenant,
          row.id,
          row.source,
          row.template,
          row.total,
          row.first_seen,
          row.last_seen,
          row.severity,
          JSON.stringify(row.examples),
          row.merged_into,
        );
        for (const [ts, n] of u.buckets) this.addCount.run(tenant, u.id, ts, n);
      }
    });
  }

  write(tenant: string, updates: readonly PatternUpdate[]): void {
    this.writeAll(tenant, updates);
  }

  query(tenant: string, q: PatternQuery): PatternSummary[] {
    const rows = new Map(this.rows.all(tenant).map((r) => [r.id, parse(r)]));
    // Minute buckets that start before `from` but reach into it still count.
    const counts = this.counts
      .all({ tenant, from: q.from - 59_999, to: q.to, step: q.step_ms, origin: q.from })
      .map((c): [string, number, number] => [c.pattern, Math.max(c.ts, q.from), c.n]);
    return summarise(rows, counts, q);
  }

  dropBefore(cutoffTs: number): void {
    this.prune.run(cutoffTs);
  }
}

function parse(row: StoredRow): PatternRow {
  return { ...row, examples: JSON.parse(row.examples) as string[] };
}

import type Database from 'better-sqlite3';

/**
 * Prepared statements for SQL built per query shape and day. Preparing costs more than running a
 * small indexed query, and the same shapes recur (UI refreshes, live tail), so they are kept, up
 * to a bound, least recently used first out.
 */
export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly maxEntries = 256,
  ) {}

  get<Row = unknown>(sql: string): Database.Statement<unknown[], Row> {
    let stmt = this.cache.get(sql);
    if (stmt) this.cache.delete(sql);
    else stmt = this.db.prepare(sql);
    this.cache.set(sql, stmt);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    return stmt as Database.Statement<unknown[], Row>;
  }

  /** Statements on dropped tables must not be reused. */
  clear(): void {
    this.cache.clear();
  }
}

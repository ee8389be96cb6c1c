import type Database from 'better-sqlite3';
import { BirdseyeError } from '../../../core/errors.ts';
import type { IngestBatch } from '../../../model/index.ts';
import type {
  Bucket,
  ContainerInfo,
  LatestSample,
  EventSearch,
  HistogramCount,
  HistogramQuery,
  HostInfo,
  LogContext,
  LogListener,
  LogSearch,
  MetricRangeQuery,
  Page,
  SeriesBuckets,
  StorageBackend,
  RetentionRequest,
  RetentionRun,
  StorageStats,
  StoredEvent,
  StoredLog,
  TenantUsage,
  LogDocumentId,
  WriteResult,
  DocumentResult,
} from '../backend.ts';
import { LogFeed, settle } from '../log-common.ts';
import { labelsKey, matchesAll } from '../series.ts';
import { EventReader } from './event-reader.ts';
import { FtsIndex } from './fts-index.ts';
import { FtsRecovery } from './fts-recovery.ts';
import { FtsTables } from './fts-tables.ts';
import { LatestSamples } from './latest-samples.ts';
import { LogReader } from './log-reader.ts';
import { LogWriter } from './log-writer.ts';
import type {
  PatternGroup,
  PatternGroupQuery,
  PatternQuery,
  PatternSummary,
  PatternUpdate,
} from '../pattern-types.ts';
import { migrateFromV1, migrateFromV2 } from './migrate.ts';
import { PatternStore } from './pattern-store.ts';
import { Partitions } from './partitions.ts';
import { Rollups } from './rollups.ts';
import { retainSqlite } from './sqlite-retention.ts';
import { Usage } from './usage.ts';
import { openDatabase } from './open-database.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { StatementCache } from './statement-cache.ts';

interface SeriesRow {
  id: number;
  name: string;
  labels: string;
}

/**
 * The embedded store. better-sqlite3 is synchronous: each call holds the event loop for the time
 * of one statement or transaction, which for the batch sizes agents send is well under a
 * millisecond per thousand samples. The full-text index of log lines is written on a second
 * thread into a second file (fts-index.ts): a batch is acknowledged once both have committed,
 * batches are written one after another, and no read runs while a batch's rows are committed and
 * its index entries not yet (`read`), so a reader sees every batch whole or not at all.
 */
export class SqliteBackend implements StorageBackend {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly seriesIds = new Map<string, number>();
  private closed = false;
  private readonly stmt;
  private readonly write: (
    tenant: string,
    batch: IngestBatch,
    receivedTs: number,
    ids: ReadonlyArray<LogDocumentId | undefined> | undefined,
  ) => { stored: StoredLog[]; documents?: Array<DocumentResult | undefined>; seq?: number } | null;
  private readonly partitions: Partitions;
  private readonly statements: StatementCache;
  private readonly logs: LogReader;
  private readonly events: EventReader;
  private readonly writer: LogWriter;
  private readonly feed = new LogFeed();
  private readonly rollups: Rollups;
  private readonly usageOf: Usage;
  private readonly patterns: PatternStore;
  private readonly latest: LatestSamples;
  private readonly fts: FtsIndex;
  /**
   * Per batch whose rows are committed and whose index entries are not yet, oldest first: settles
   * once they are. While any is, no read runs (see `read`).
   */
  private indexing: Promise<void>[] = [];
  /** The last batch write queued: settles once its rows are committed (or it failed). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Writes whose rows are not committed yet. */
  private writes = 0;
  /** Reads waiting for the batches being indexed: the next batch waits for them as well. */
  private readers = 0;

  constructor(dir: string) {
    const { db, version, file, indexFile, freshIndex } = openDatabase(dir);
    this.db = db;
    this.partitions = new Partitions(this.db, (days) => this.fts.drop(days));
    const tables = new FtsTables(this.db, 'fts');
    const recovery = new FtsRecovery(this.db, this.partitions, tables);
    this.fts = new FtsIndex(indexFile, file, tables.done(), () => recovery.replay());
    this.statements = new StatementCache(this.db);
    this.writer = new LogWriter(this.db, this.partitions, this.fts);
    this.logs = new LogReader(this.partitions, this.statements);
    this.events = new EventReader(this.db, this.partitions, this.statements);
    this.rollups = new Rollups(this.db);
    this.usageOf = new Usage(this.db, this.partitions);
    this.patterns = new PatternStore(this.db);
    this.latest = new LatestSamples(this.db);
    const insertBacklog = this.db.prepare('INSERT INTO fts_backlog (ops) VALUES (?)');
    this.db.transaction(() => {
      this.fts.begin();
      if (version === 1) migrateFromV1(this.db, this.writer);
      if (version === 2) migrateFromV2(this.db);
      this.partitions.ensureIndexes();
      const entry = this.fts.seal();
      if (entry !== null) insertBacklog.run(entry);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
    // Before anything reads: whatever a crash left between the two files is made whole.
    recovery.open(freshIndex);
    this.fts.done = tables.done();
    this.fts.start();

    this.stmt = {
      insertBatch: this.db.prepare(
        'INSERT OR IGNORE INTO batches (tenant, batch_id, received_ts) VALUES (?, ?, ?)',
      ),
      insertBacklog,
      trimBacklog: this.db.prepare('DELETE FROM fts_backlog WHERE seq <= ?'),
      findSeries: this.db.prepare<[string, string, string], { id: number }>(
        'SELECT id FROM series WHERE tenant = ? AND name = ? AND labels = ?',
      ),
      insertSeries: this.db.prepare('INSERT INTO series (tenant, name, labels) VALUES (?, ?, ?)'),
      insertSample: this.db.prepare('INSERT OR REPLACE INTO samples (series_id, ts, value) VALUES (?, ?, ?)'),
      upsertHost: this.db.prepare(`
        INSERT INTO hosts (tenant, host, first_seen, last_seen, agent_id, agent_version) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (tenant, host) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen),
          agent_id = excluded.agent_id, agent_version = excluded.agent_version`),
      seriesByName: this.db.prepare<[string, string], SeriesRow>(
        'SELECT id, name, labels FROM series WHERE tenant = ? AND name = ?',
      ),
      buckets: this.db.prepare<[{ step: number; id: number; from: number; to: number }], Bucket>(`
        SELECT (CAST(ts / @step AS INTEGER) * @step) AS ts, min(value) AS min, max(value) AS max,
               sum(value) AS sum, count(*) AS count
        FROM samples WHERE series_id = @id AND ts >= @from AND ts <= @to
        GROUP BY 1 ORDER BY 1`),
      bucketsBefore: this.db.prepare<[{ step: number; id: number; from: number; to: number }], Bucket>(`
        SELECT (CAST(ts / @step AS INTEGER) * @step) AS ts, min(value) AS min, max(value) AS max,
               sum(value) AS sum, count(*) AS count
        FROM samples WHERE series_id = @id AND ts >= @from AND ts < @to
        GROUP BY 1 ORDER BY 1`),
      names: this.db.prepare<[string], { name: string }>(
        'SELECT DISTINCT name FROM series WHERE tenant = ? ORDER BY name',
      ),
      labelsOf: this.db.prepare<[string], { name: string; labels: string }>(
        'SELECT name, labels FROM series WHERE tenant = ?',
      ),
      hosts: this.db.prepare<[string], HostInfo>(
        'SELECT host, first_seen, last_seen, agent_id, agent_version FROM hosts WHERE tenant = ? ORDER BY host',
      ),
      count: (table: string) =>
        this.db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE tenant = ?`),
      samples: this.db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM samples WHERE series_id IN (SELECT id FROM series WHERE tenant = ?)',
      ),
    };

    this.write = this.db.transaction(
      (
        tenant: string,
        batch: IngestBatch,
        receivedTs: number,
        ids: ReadonlyArray<LogDocumentId | undefined> | undefined,
      ) => {
        if (this.stmt.insertBatch.run(tenant, batch.batch_id, receivedTs).changes === 0) return null;
        this.fts.begin();
        for (const sample of batch.metrics) {
          const id = this.seriesId(tenant, sample.name, sample.labels);
          this.stmt.insertSample.run(id, sample.ts, sample.value);
          this.rollups.noteSample(id, sample.ts);
        }
        this.rollups.rebuildLate();
        const stored = this.writer.write(tenant, batch, this.feed.active, ids);
        this.stmt.upsertHost.run(
          tenant,
          batch.host,
          receivedTs,
          receivedTs,
          batch.agent_id,
          batch.agent_version ?? null,
        );
        const entry = this.fts.seal();
        if (entry === null) return stored;
        // Entries the index has are of no further use.
        this.stmt.trimBacklog.run(this.fts.done);
        return { ...stored, seq: Number(this.stmt.insertBacklog.run(entry).lastInsertRowid) };
      },
    );
  }

  private seriesId(tenant: string, name: string, labels: Record<string, string>): number {
    const key = labelsKey(labels);
    const cacheKey = `${tenant}\u0000${name}\u0000${key}`;
    let id = this.seriesIds.get(cacheKey);
    if (id === undefined) {
      id =
        this.stmt.findSeries.get(tenant, name, key)?.id ??
        Number(this.stmt.insertSeries.run(tenant, name, key).lastInsertRowid);
      this.seriesIds.set(cacheKey, id);
    }
    return id;
  }

  private open(): void {
    if (this.closed) throw new BirdseyeError('BE_STORAGE', 'storage is closed');
  }

  /**
   * Batches are written one after another: the next one's rows while the previous one's index
   * entries are committed on the other thread, and no further ahead; each answer waits for its
   * index entries. A queued batch lets requests and reads run first (see `turn`).
   */
  writeBatch(
    tenant: string,
    batch: IngestBatch,
    receivedTs: number,
    ids?: ReadonlyArray<LogDocumentId | undefined>,
  ): Promise<WriteResult> {
    this.open();
    const write = () => this.writeRows(tenant, batch, receivedTs, ids);
    const rows =
      this.writes === 0 && this.blocker() === undefined
        ? settle(write)
        : this.queue.then(() => this.turn()).then(write);
    this.writes++;
    const written = () => {
      this.writes--;
    };
    this.queue = rows.then(written, written);
    return rows.then((r) => r.answer);
  }

  /** What a batch must wait for before its rows: reads waiting, or two batches' index entries. */
  private blocker(): Promise<void> | undefined {
    if (this.readers > 0) return this.indexing.at(-1);
    return this.indexing.length > 1 ? this.indexing[0] : undefined;
  }

  /** Settles when a queued batch may write its rows: after a turn of the event loop, then `blocker`. */
  private async turn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (let wait = this.blocker(); wait; wait = this.blocker()) await wait.catch(() => undefined);
  }

  /**
   * Writes and commits a batch's rows (synchronously); `answer` settles once its index entries are
   * committed as well.
   */
  private writeRows(
    tenant: string,
    batch: IngestBatch,
    receivedTs: number,
    ids?: ReadonlyArray<LogDocumentId | undefined>,
  ): { answer: Promise<WriteResult> } {
    this.fts.catchUp();
    let written: ReturnType<typeof this.write>;
    try {
      written = this.write(tenant, batch, receivedTs, ids);
    } catch (cause) {
      // A failed transaction rolled back whole, but ids and days cached inside it may not exist.
      this.fts.abort();
      this.seriesIds.clear();
      this.rollups.reset();
      this.partitions.reload();
      this.statements.clear();
      throw cause;
    }
    if (!written) return { answer: Promise.resolve({ stored: false }) };
    const { stored, documents, seq } = written;
    let indexed: Promise<void> = Promise.resolve();
    if (seq !== undefined) {
      indexed = this.fts.commit(seq).finally(() => {
        this.indexing = this.indexing.filter((p) => p !== indexed);
      });
      this.indexing.push(indexed);
    }
    const answer = indexed.then((): WriteResult => {
      this.feed.emit(tenant, stored);
      return documents ? { stored: true, documents } : { stored: true };
    });
    return { answer };
  }

  /**
   * Runs a read when no batch is between its two commits (rows committed, index entries not yet),
   * checking and reading in one synchronous step, so no read sees part of a batch.
   */
  private read<T>(fn: () => T): Promise<T> {
    this.open();
    const window = this.indexing.at(-1);
    if (!window) return settle(fn);
    this.readers++;
    const again = (): Promise<T> => {
      this.readers--;
      return this.read(fn);
    };
    return window.then(again, again);
  }

  queryMetrics(tenant: string, query: MetricRangeQuery): Promise<SeriesBuckets[]> {
    return this.read(() => {
      const out: SeriesBuckets[] = [];
      for (const row of this.stmt.seriesByName.all(tenant, query.name)) {
        const labels = JSON.parse(row.labels) as Record<string, string>;
        if (!matchesAll(labels, query.matchers)) continue;
        const buckets = this.buckets(row.id, query);
        if (buckets.length > 0) out.push({ name: row.name, labels, buckets });
      }
      return out;
    });
  }

  /**
   * One series' buckets: from rollups where whole rollup buckets fit the range and are built, from
   * raw samples at the edges; a step bucket that spans both is merged.
   */
  private buckets(id: number, query: MetricRangeQuery): Bucket[] {
    const step = query.step_ms;
    const plan = this.rollups.plan(step, query.from, query.to);
    if (!plan) return this.stmt.buckets.all({ step, id, from: query.from, to: query.to });
    const parts = [
      ...this.stmt.bucketsBefore.all({ step, id, from: query.from, to: plan.from }),
      ...this.rollups.read(id, step, plan),
      ...this.stmt.buckets.all({ step, id, from: plan.to, to: query.to }),
    ];
    const merged = new Map<number, Bucket>();
    for (const b of parts) {
      const m = merged.get(b.ts);
      merged.set(
        b.ts,
        m
          ? {
              ts: b.ts,
              min: Math.min(m.min, b.min),
              max: Math.max(m.max, b.max),
              sum: m.sum + b.sum,
              count: m.count + b.count,
            }
          : b,
      );
    }
    return [...merged.values()].sort((a, b) => a.ts - b.ts);
  }

  latestSamples(tenant: string, names: readonly string[], since: number): Promise<LatestSample[]> {
    return this.read(() => this.latest.read(tenant, names, since));
  }

  metricNames(tenant: string): Promise<string[]> {
    return this.read(() => this.stmt.names.all(tenant).map((r) => r.name));
  }

  labelValues(tenant: string, label: string, metric?: string): Promise<string[]> {
    return this.read(() => {
      const values = new Set<string>();
      for (const row of this.stmt.labelsOf.all(tenant)) {
        if (metric !== undefined && row.name !== metric) continue;
        const value = (JSON.parse(row.labels) as Record<string, string>)[label];
        if (value !== undefined) values.add(value);
      }
      return [...values].sort();
    });
  }

  hosts(tenant: string): Promise<HostInfo[]> {
    return this.read(() => this.stmt.hosts.all(tenant));
  }

  stats(tenant: string): Promise<StorageStats> {
    return this.read(() => {
      const count = (table: string) => this.stmt.count(table).get(tenant)?.n ?? 0;
      return {
        batches: count('batches'),
        metric_series: count('series'),
        metric_samples: this.stmt.samples.get(tenant)?.n ?? 0,
        logs: this.logs.counts(tenant),
        events: this.events.counts(tenant),
      };
    });
  }

  searchLogs(tenant: string, search: LogSearch): Promise<Page<StoredLog>> {
    return this.read(() => this.logs.search(tenant, search));
  }

  logHistogram(tenant: string, query: HistogramQuery): Promise<HistogramCount[]> {
    return this.read(() => this.logs.histogram(tenant, query));
  }

  logContext(tenant: string, id: string, before: number, after: number): Promise<LogContext | undefined> {
    return this.read(() => this.logs.context(tenant, id, before, after));
  }

  searchEvents(tenant: string, search: EventSearch): Promise<Page<StoredEvent>> {
    return this.read(() => this.events.search(tenant, search));
  }

  containers(tenant: string): Promise<ContainerInfo[]> {
    return this.read(() => this.events.containers(tenant));
  }

  dropBefore(cutoffTs: number): Promise<{ days_dropped: number }> {
    this.open();
    // Statements on the dropped days' tables must not be reused.
    this.statements.clear();
    return settle(() => {
      this.patterns.dropBefore(cutoffTs);
      return { days_dropped: this.partitions.dropBefore(cutoffTs) };
    });
  }

  writePatterns(tenant: string, updates: readonly PatternUpdate[]): Promise<void> {
    this.open();
    return settle(() => this.patterns.write(tenant, updates));
  }

  queryPatterns(tenant: string, query: PatternQuery): Promise<PatternSummary[]> {
    return this.read(() => this.patterns.query(tenant, query));
  }

  groupLogsByPattern(tenant: string, query: PatternGroupQuery): Promise<PatternGroup[]> {
    return this.read(() => this.logs.groupByPattern(tenant, query));
  }

  retain(request: RetentionRequest): Promise<RetentionRun> {
    this.open();
    this.statements.clear();
    return settle(() => retainSqlite(this.db, this.partitions, request));
  }

  async rollup(now: number): Promise<void> {
    this.open();
    while (!this.closed && this.rollups.buildSlice(now)) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  usage(tenant: string): Promise<TenantUsage> {
    return this.read(() => this.usageOf.measure(tenant));
  }

  onLogs(listener: LogListener): () => void {
    return this.feed.subscribe(listener);
  }

  /** Waits for the batches in hand, then ends the index worker and closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await Promise.allSettled(this.indexing);
    await this.fts.close();
    this.db.close();
  }
}

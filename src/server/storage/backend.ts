import type { ClusterEvent, IngestBatch, LogRecord } from '../../model/index.ts';
import type { LogQuery } from '../query/log-query.ts';
import type {
  PatternGroup,
  PatternGroupQuery,
  PatternQuery,
  PatternSummary,
  PatternUpdate,
} from './pattern-types.ts';

/** A label matcher of a metric selector: `mode="idle"`, `host!="a"`, `device=~"sd.*"`, `fs!~"tmpfs"`. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface MetricRangeQuery {
  readonly name: string;
  readonly matchers: readonly LabelMatcher[];
  /** Inclusive range, UTC ms. */
  readonly from: number;
  readonly to: number;
  /** Samples are summarised per bucket of this width, aligned to multiples of it. */
  readonly step_ms: number;
}

/** What a backend keeps per series and bucket; the query layer derives avg, rate, … from it. */
export interface Bucket {
  readonly ts: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly count: number;
}

export interface SeriesBuckets {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: readonly Bucket[];
}

/** The newest sample of one series (`latestSamples`). */
export interface LatestSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ts: number;
  readonly value: number;
}

export interface HostInfo {
  readonly host: string;
  readonly first_seen: number;
  readonly last_seen: number;
  readonly agent_id: string;
  readonly agent_version: string | null;
}

export interface StorageStats {
  readonly batches: number;
  readonly metric_series: number;
  readonly metric_samples: number;
  readonly logs: number;
  readonly events: number;
}

/** A stored record with the id the API hands out: stable, opaque, unique within a tenant. */
export type StoredLog = LogRecord & { readonly id: string };
export type StoredEvent = ClusterEvent & { readonly id: string };

export type SortOrder = 'newest' | 'oldest';

export interface LogSearch {
  readonly query: LogQuery;
  /** Inclusive range, UTC ms. */
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  readonly order: SortOrder;
  /** `next_cursor` of the previous page of the same search. */
  readonly cursor?: string;
}

/** `next_cursor` is null on the last page. Records are ordered by time, then by arrival. */
export interface Page<T> {
  readonly records: T[];
  readonly next_cursor: string | null;
}

export interface HistogramQuery {
  readonly query: LogQuery;
  readonly from: number;
  readonly to: number;
  /** Buckets start at multiples of this width. */
  readonly interval_ms: number;
}

/** One (bucket, severity) pair with records; pairs without records are left out. */
export interface HistogramCount {
  readonly ts: number;
  readonly severity: number | null;
  readonly count: number;
}

export interface LogContext {
  readonly record: StoredLog;
  /** Oldest first, ending just before the record. */
  readonly before: StoredLog[];
  /** Oldest first, starting just after the record. */
  readonly after: StoredLog[];
}

export interface EventSearch {
  readonly query: LogQuery;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  readonly cursor?: string;
}

export interface ContainerInfo {
  readonly host: string;
  readonly name: string;
  readonly id: string | null;
  readonly image: string | null;
  readonly first_seen: number;
  readonly last_seen: number;
  /** From the last lifecycle event: running, exited, paused, removed; null before any event. */
  readonly state: string | null;
  readonly last_action: string | null;
}

/** Disk used by one tenant: its share of each table, by rows, so shared tables are split fairly. */
export interface TenantUsage {
  readonly bytes: number;
  readonly logs: number;
  readonly events: number;
  readonly metric_samples: number;
}

/** Days each signal of a tenant is kept. */
export interface RetentionPolicy {
  readonly logs_days: number;
  readonly events_days: number;
  readonly metrics_days: number;
}

export interface RetentionRun {
  /** Whole day partitions dropped (logs and events of every tenant). */
  readonly days_dropped: number;
  /** Rows removed for tenants that keep less than the longest retention. */
  readonly logs_deleted: number;
  readonly events_deleted: number;
  readonly samples_deleted: number;
  readonly batch_ids_deleted: number;
}

export interface RetentionRequest {
  readonly now: number;
  /** Policy of each tenant named; `defaults` for every other tenant. */
  readonly tenants: ReadonlyMap<string, RetentionPolicy>;
  readonly defaults: RetentionPolicy;
  /** Batch ids older than this are forgotten: longer than any agent retries a batch. */
  readonly batch_id_horizon_ms: number;
  /** Most rows one statement deletes, so no run holds the write lock for long. */
  readonly chunk_rows?: number;
}

/**
 * An Elasticsearch-style document id for one log record of a batch, unique per tenant and
 * `index`: `create` stores the record only if the id is new, `index` replaces the record stored
 * under it. Records without one (most shippers send none) are simply appended.
 */
export interface LogDocumentId {
  readonly index: string;
  readonly id: string;
  readonly op: 'create' | 'index';
}

/** What became of a record with a document id; `conflict` (a `create` of a stored id) stored nothing. */
export interface DocumentResult {
  readonly result: 'created' | 'updated' | 'conflict';
  /** 1 when created, one more on each replacement; for a conflict, the stored version. */
  readonly version: number;
}

export interface WriteResult {
  /** false: this batch id was stored before and nothing was written. */
  readonly stored: boolean;
  /** With `ids`: one entry per log record of the batch, undefined where it had no id. */
  readonly documents?: ReadonlyArray<DocumentResult | undefined>;
}

/** Called after a batch commits, with its new log records (never for a duplicate batch). */
export type LogListener = (tenant: string, records: readonly StoredLog[]) => void;

/**
 * What the server needs from a store. Every implementation passes `contract.test.ts`; tenants never
 * see each other's data; `writeBatch` is atomic and stores a batch id at most once per tenant.
 */
export interface StorageBackend {
  readonly kind: string;
  /**
   * `stored: false` means this batch id was stored before and nothing was written. `ids` gives log
   * records document ids (by position in `batch.logs`), checked and recorded in the same commit.
   */
  writeBatch(
    tenant: string,
    batch: IngestBatch,
    receivedTs: number,
    ids?: ReadonlyArray<LogDocumentId | undefined>,
  ): Promise<WriteResult>;
  queryMetrics(tenant: string, query: MetricRangeQuery): Promise<SeriesBuckets[]>;
  /**
   * The newest sample at or after `since` of every series of these metrics: the fleet's current
   * state (the Overview) in one read instead of a range query per metric.
   */
  latestSamples(tenant: string, names: readonly string[], since: number): Promise<LatestSample[]>;
  metricNames(tenant: string): Promise<string[]>;
  labelValues(tenant: string, label: string, metric?: string): Promise<string[]>;
  hosts(tenant: string): Promise<HostInfo[]>;
  stats(tenant: string): Promise<StorageStats>;
  /** Throws BE_QUERY_INVALID for a cursor this backend did not make. */
  searchLogs(tenant: string, search: LogSearch): Promise<Page<StoredLog>>;
  logHistogram(tenant: string, query: HistogramQuery): Promise<HistogramCount[]>;
  /** Lines of the same host, source and container around a record; undefined for an unknown id. */
  logContext(tenant: string, id: string, before: number, after: number): Promise<LogContext | undefined>;
  /** Newest first. */
  searchEvents(tenant: string, search: EventSearch): Promise<Page<StoredEvent>>;
  containers(tenant: string): Promise<ContainerInfo[]>;
  /** Retention: drops every whole UTC day of logs and events that ends at or before `cutoffTs`. */
  dropBefore(cutoffTs: number): Promise<{ days_dropped: number }>;
  /** Retention per tenant and signal: whole days where every tenant agrees, bounded deletes otherwise. */
  retain(request: RetentionRequest): Promise<RetentionRun>;
  /** Builds metric rollups (5 min, 1 h) up to `now`; queries with a large step read them. */
  rollup(now: number): Promise<void>;
  usage(tenant: string): Promise<TenantUsage>;
  /** Folds what the pattern miner learned since its last flush into the pattern tables. */
  writePatterns(tenant: string, updates: readonly PatternUpdate[]): Promise<void>;
  /** Patterns ranked by their lines in the range, with sparklines. */
  queryPatterns(tenant: string, query: PatternQuery): Promise<PatternSummary[]>;
  /** Matching log records counted per pattern id, most first. */
  groupLogsByPattern(tenant: string, query: PatternGroupQuery): Promise<PatternGroup[]>;
  /** Returns the function that unsubscribes. */
  onLogs(listener: LogListener): () => void;
  /** Safe to call more than once. */
  close(): Promise<void>;
}

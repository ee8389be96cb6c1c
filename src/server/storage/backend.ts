import type { IngestBatch } from '../../model/index.ts';

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

/**
 * What the server needs from a store. Every implementation passes `contract.test.ts`; tenants never
 * see each other's data; `writeBatch` is atomic and stores a batch id at most once per tenant.
 */
export interface StorageBackend {
  readonly kind: string;
  /** `stored: false` means this batch id was stored before and nothing was written. */
  writeBatch(tenant: string, batch: IngestBatch, receivedTs: number): Promise<{ stored: boolean }>;
  queryMetrics(tenant: string, query: MetricRangeQuery): Promise<SeriesBuckets[]>;
  metricNames(tenant: string): Promise<string[]>;
  labelValues(tenant: string, label: string, metric?: string): Promise<string[]>;
  hosts(tenant: string): Promise<HostInfo[]>;
  stats(tenant: string): Promise<StorageStats>;
  /** Safe to call more than once. */
  close(): Promise<void>;
}

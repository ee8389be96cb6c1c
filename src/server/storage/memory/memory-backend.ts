import type { IngestBatch } from '../../../model/index.ts';
import type {
  ContainerInfo,
  EventSearch,
  HistogramCount,
  HistogramQuery,
  HostInfo,
  LatestSample,
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
  TenantUsage,
  StoredLog,
  LogDocumentId,
  WriteResult,
} from '../backend.ts';
import { LogFeed, settle } from '../log-common.ts';
import { labelsKey, matchesAll, toBuckets } from '../series.ts';
import { cutoffsOf } from '../retention-policy.ts';
import type {
  PatternGroup,
  PatternGroupQuery,
  PatternQuery,
  PatternSummary,
  PatternUpdate,
} from '../pattern-types.ts';
import { MemoryLogs } from './memory-logs.ts';
import { MemoryPatterns } from './memory-patterns.ts';

interface Series {
  name: string;
  labels: Record<string, string>;
  samples: Map<number, number>;
}

interface TenantData {
  /** Batch id → when it was received. */
  batches: Map<string, number>;
  series: Map<string, Series>;
  hosts: Map<string, HostInfo>;
}

/** An in-memory store for tests of the layers above storage. Passes the same contract as SQLite. */
export class MemoryBackend implements StorageBackend {
  readonly kind = 'memory';
  private readonly tenants = new Map<string, TenantData>();
  private readonly logs = new MemoryLogs();
  private readonly patterns = new MemoryPatterns();
  private readonly feed = new LogFeed();

  private tenant(name: string): TenantData {
    let data = this.tenants.get(name);
    if (!data) {
      data = { batches: new Map(), series: new Map(), hosts: new Map() };
      this.tenants.set(name, data);
    }
    return data;
  }

  writeBatch(
    tenant: string,
    batch: IngestBatch,
    receivedTs: number,
    ids?: ReadonlyArray<LogDocumentId | undefined>,
  ): Promise<WriteResult> {
    const data = this.tenant(tenant);
    if (data.batches.has(batch.batch_id)) return Promise.resolve({ stored: false });
    data.batches.set(batch.batch_id, receivedTs);
    for (const sample of batch.metrics) {
      const key = `${sample.name}${labelsKey(sample.labels)}`;
      let series = data.series.get(key);
      if (!series) {
        series = { name: sample.name, labels: { ...sample.labels }, samples: new Map() };
        data.series.set(key, series);
      }
      series.samples.set(sample.ts, sample.value);
    }
    const { stored, documents } = this.logs.write(tenant, batch, ids);
    const previous = data.hosts.get(batch.host);
    data.hosts.set(batch.host, {
      host: batch.host,
      first_seen: previous?.first_seen ?? receivedTs,
      last_seen: Math.max(previous?.last_seen ?? 0, receivedTs),
      agent_id: batch.agent_id,
      agent_version: batch.agent_version ?? null,
    });
    this.feed.emit(tenant, stored);
    return Promise.resolve(ids ? { stored: true, documents } : { stored: true });
  }

  queryMetrics(tenant: string, query: MetricRangeQuery): Promise<SeriesBuckets[]> {
    const out: SeriesBuckets[] = [];
    for (const series of this.tenant(tenant).series.values()) {
      if (series.name !== query.name || !matchesAll(series.labels, query.matchers)) continue;
      const inRange = [...series.samples]
        .filter(([ts]) => ts >= query.from && ts <= query.to)
        .map(([ts, value]) => ({ ts, value }));
      if (inRange.length > 0)
        out.push({ name: series.name, labels: series.labels, buckets: toBuckets(inRange, query.step_ms) });
    }
    return Promise.resolve(out);
  }

  latestSamples(tenant: string, names: readonly string[], since: number): Promise<LatestSample[]> {
    const out: LatestSample[] = [];
    for (const series of this.tenant(tenant).series.values()) {
      if (!names.includes(series.name)) continue;
      let ts = -Infinity;
      for (const t of series.samples.keys()) if (t >= since && t > ts) ts = t;
      if (ts !== -Infinity)
        out.push({ name: series.name, labels: series.labels, ts, value: series.samples.get(ts)! });
    }
    return Promise.resolve(out);
  }

  metricNames(tenant: string): Promise<string[]> {
    const names = new Set([...this.tenant(tenant).series.values()].map((s) => s.name));
    return Promise.resolve([...names].sort());
  }

  labelValues(tenant: string, label: string, metric?: string): Promise<string[]> {
    const values = new Set<string>();
    for (const s of this.tenant(tenant).series.values()) {
      const value = s.labels[label];
      if (value !== undefined && (metric === undefined || s.name === metric)) values.add(value);
    }
    return Promise.resolve([...values].sort());
  }

  hosts(tenant: string): Promise<HostInfo[]> {
    return Promise.resolve(
      [...this.tenant(tenant).hosts.values()].sort((a, b) => a.host.localeCompare(b.host)),
    );
  }

  stats(tenant: string): Promise<StorageStats> {
    const data = this.tenant(tenant);
    let samples = 0;
    for (const s of data.series.values()) samples += s.samples.size;
    return Promise.resolve({
      batches: data.batches.size,
      metric_series: data.series.size,
      metric_samples: samples,
      ...this.logs.counts(tenant),
    });
  }

  searchLogs(tenant: string, search: LogSearch): Promise<Page<StoredLog>> {
    return settle(() => this.logs.searchLogs(tenant, search));
  }

  logHistogram(tenant: string, query: HistogramQuery): Promise<HistogramCount[]> {
    return settle(() => this.logs.histogram(tenant, query));
  }

  logContext(tenant: string, id: string, before: number, after: number): Promise<LogContext | undefined> {
    return settle(() => this.logs.context(tenant, id, before, after));
  }

  searchEvents(tenant: string, search: EventSearch): Promise<Page<StoredEvent>> {
    return settle(() => this.logs.searchEvents(tenant, search));
  }

  containers(tenant: string): Promise<ContainerInfo[]> {
    return Promise.resolve(this.logs.containers(tenant));
  }

  dropBefore(cutoffTs: number): Promise<{ days_dropped: number }> {
    this.patterns.dropBefore(cutoffTs);
    return Promise.resolve({ days_dropped: this.logs.dropBefore(cutoffTs) });
  }

  retain(request: RetentionRequest): Promise<RetentionRun> {
    let logs = 0;
    let events = 0;
    let samples = 0;
    let batchIds = 0;
    const names = new Set([...this.tenants.keys(), ...this.logs.tenantNames()]);
    for (const name of names) {
      const cut = cutoffsOf(request, name);
      const dropped = this.logs.retainTenant(name, cut.logs, cut.events);
      logs += dropped.logs;
      events += dropped.events;
      const data = this.tenant(name);
      for (const series of data.series.values()) {
        for (const ts of series.samples.keys()) {
          if (ts < cut.metrics && series.samples.delete(ts)) samples++;
        }
      }
      for (const [id, received] of data.batches) {
        if (received < request.now - request.batch_id_horizon_ms && data.batches.delete(id)) batchIds++;
      }
    }
    return Promise.resolve({
      days_dropped: 0,
      logs_deleted: logs,
      events_deleted: events,
      samples_deleted: samples,
      batch_ids_deleted: batchIds,
    });
  }

  /** Nothing to roll up: every query reads the raw samples. */
  rollup(): Promise<void> {
    return Promise.resolve();
  }

  /** In memory nothing is on disk; rows are counted so the API shape is the same. */
  async usage(tenant: string): Promise<TenantUsage> {
    const stats = await this.stats(tenant);
    return { bytes: 0, logs: stats.logs, events: stats.events, metric_samples: stats.metric_samples };
  }

  writePatterns(tenant: string, updates: readonly PatternUpdate[]): Promise<void> {
    this.patterns.write(tenant, updates);
    return Promise.resolve();
  }

  queryPatterns(tenant: string, query: PatternQuery): Promise<PatternSummary[]> {
    return Promise.resolve(this.patterns.query(tenant, query));
  }

  groupLogsByPattern(tenant: string, query: PatternGroupQuery): Promise<PatternGroup[]> {
    return settle(() => this.logs.groupByPattern(tenant, query));
  }

  onLogs(listener: LogListener): () => void {
    return this.feed.subscribe(listener);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

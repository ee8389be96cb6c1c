import type { Logger } from '../../core/logger.ts';
import type { ComponentCounters, Telemetry } from '../../core/telemetry.ts';
import type { LogRecord } from '../../model/index.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { PATTERN_BUCKET_MS, PATTERN_EXAMPLES, type PatternUpdate } from '../storage/pattern-types.ts';
import type { PatternsConfig } from './config.ts';
import { MinerThread } from './miner-thread.ts';

/** Example lines are cut to this many characters. */
const EXAMPLE_CHARS = 500;

interface Pending {
  id: string;
  source: string;
  template: string;
  buckets: Map<number, number>;
  first_seen: number;
  last_seen: number;
  severity: number | null;
  examples: string[];
  merged_into?: string;
}

/**
 * Mines every log record at ingest and keeps the pattern statistics. The miner runs in a worker
 * thread (miner-thread.ts): a batch's ids are awaited before the batch is written, so each record
 * is stored with its pattern id in the same transaction, while the main thread writes other
 * batches. The statistics (counts per minute, first/last seen, examples) are collected in memory
 * and written in one transaction per `flush_interval_ms`, off the ingest path. The set of patterns
 * waiting for a flush is bounded: beyond `max_pending_patterns` a pattern's statistics are dropped
 * and counted, never its records.
 */
export class PatternService {
  readonly thread: MinerThread;
  private pending = new Map<string, Map<string, Pending>>();
  private pendingCount = 0;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly storage: StorageBackend,
    private readonly config: PatternsConfig,
    private readonly counters: ComponentCounters,
    private readonly logger?: Logger,
  ) {
    this.thread = new MinerThread(
      {
        miner: {
          similarity: config.similarity,
          max_patterns: config.max_patterns_per_source,
          max_trees: config.max_sources,
        },
        max_queued_lines: config.max_queued_lines,
        timeout_ms: config.worker_timeout_ms,
      },
      counters,
      logger,
    );
    this.timer = setInterval(() => void this.flush(), config.flush_interval_ms);
    this.timer.unref();
  }

  /**
   * Sets `pattern` on every record, replacing any an agent sent; call before the batch is stored.
   * When the miner cannot take the batch (see MinerThread) the records keep no pattern id.
   */
  async assign(tenant: string, logs: LogRecord[]): Promise<void> {
    if (!this.config.enabled || logs.length === 0) return;
    for (const log of logs) delete log.pattern;
    const mined = await this.thread.mine(
      tenant,
      logs.map((log) => log.source),
      logs.map((log) => log.message),
    );
    if (!mined) return;
    logs.forEach((log, i) => (log.pattern = mined.ids[i]));
    for (const [i, id] of mined.absorbed) {
      const log = logs[i]!;
      const absorbed = this.entry(tenant, id, log.source, log.ts);
      if (absorbed) absorbed.merged_into = log.pattern;
    }
    this.counters.received(logs.length);
  }

  /**
   * Counts stored records for the next flush. Called only once their batch is committed, so a
   * batch resent by an agent (and not stored again) is not counted twice.
   */
  observe(tenant: string, logs: readonly LogRecord[]): void {
    if (!this.config.enabled) return;
    for (const log of logs) {
      if (log.pattern === undefined) continue;
      const entry = this.entry(tenant, log.pattern, log.source, log.ts);
      if (!entry) continue;
      const bucket = Math.floor(log.ts / PATTERN_BUCKET_MS) * PATTERN_BUCKET_MS;
      entry.buckets.set(bucket, (entry.buckets.get(bucket) ?? 0) + 1);
      entry.first_seen = Math.min(entry.first_seen, log.ts);
      entry.last_seen = Math.max(entry.last_seen, log.ts);
      if (log.severity !== undefined && (entry.severity === null || log.severity < entry.severity)) {
        entry.severity = log.severity;
      }
      if (entry.examples.length < PATTERN_EXAMPLES) entry.examples.push(log.message.slice(0, EXAMPLE_CHARS));
    }
  }

  private entry(tenant: string, id: string, source: string, ts: number): Pending | undefined {
    let byId = this.pending.get(tenant);
    if (!byId) this.pending.set(tenant, (byId = new Map<string, Pending>()));
    let entry = byId.get(id);
    if (entry) return entry;
    if (this.pendingCount >= this.config.max_pending_patterns) {
      this.counters.discarded('pattern_stats_queue_full', 1);
      return undefined;
    }
    entry = {
      id,
      source,
      template: '',
      buckets: new Map(),
      first_seen: ts,
      last_seen: ts,
      severity: null,
      examples: [],
    };
    byId.set(id, entry);
    this.pendingCount++;
    return entry;
  }

  /** Writes the statistics gathered since the last flush. Flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    const lines = this.pendingCount;
    this.pending = new Map();
    this.pendingCount = 0;
    if (lines === 0) return;
    for (const [tenant, byId] of batch) {
      // The template as it is now: it may have generalised since the line was mined. Unknown
      // (worker restarted, pattern evicted): storage keeps the template it has.
      const entries = [...byId.values()];
      const templates = await this.thread.templates(entries.map((p) => [tenant, p.source, p.id]));
      const updates: PatternUpdate[] = entries.map((p, i) => ({
        ...p,
        template: templates?.[i] ?? p.template,
        buckets: [...p.buckets],
      }));
      try {
        await this.storage.writePatterns(tenant, updates);
        this.counters.sent(updates.length);
      } catch (error) {
        // Statistics only: the records themselves were stored with their pattern ids.
        this.counters.error('flush', 'storage');
        this.counters.discarded('flush_failed', updates.length);
        this.logger?.warn({ err: error, tenant }, 'pattern statistics could not be written');
      }
    }
  }

  /** The miner's size and evictions on /metrics; returns the function that removes them. */
  report(telemetry: Telemetry): () => void {
    const stats = () => this.thread.stats;
    const removers = [
      telemetry.gauge('pattern_miner_patterns', 'Log patterns the miner holds now.', () => [
        { labels: {}, value: stats().patterns },
      ]),
      telemetry.gauge('pattern_miner_sources', 'Tenant+source parse trees the miner holds now.', () => [
        { labels: {}, value: stats().trees },
      ]),
      telemetry.gauge(
        'pattern_miner_evictions',
        'Patterns and trees evicted by the miner limits since start (a count, reported as a gauge).',
        () => [
          { labels: { kind: 'pattern' }, value: stats().evicted_patterns },
          { labels: { kind: 'source' }, value: stats().evicted_trees },
        ],
      ),
      telemetry.gauge(
        'pattern_miner_worker_restarts',
        'Times the miner worker thread was restarted after it crashed or hung (a count, reported as a gauge).',
        () => [{ labels: {}, value: this.thread.restarts }],
      ),
    ];
    return () => removers.forEach((remove) => remove());
  }

  /** Writes what is pending; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return this.flushing;
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    await this.thread.close();
  }
}

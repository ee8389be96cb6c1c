import type { Logger } from '../../core/logger.ts';
import type { TenantStore } from '../auth/tenants.ts';
import type { RetentionPolicy, RetentionRequest, StorageBackend } from './backend.ts';
import { DAY_MS } from './log-common.ts';
import type { RetentionConfig } from './retention-config.ts';

/** Retention runs at start and then this often; a day is dropped within an hour of expiring. */
export const RETENTION_INTERVAL_MS = 3_600_000;

export interface RetentionOptions {
  /** `server.retention_days`: logs and events of tenants without their own setting. */
  readonly retentionDays: number;
  readonly config: RetentionConfig;
  /** Where tenants keep their own retention; absent means every tenant gets the defaults. */
  readonly tenants?: TenantStore;
}

/** Each tenant's policy: its own days where set, the server's otherwise. */
export function retentionRequest(options: RetentionOptions, now: number): RetentionRequest {
  const defaults: RetentionPolicy = {
    logs_days: options.retentionDays,
    events_days: options.retentionDays,
    metrics_days: options.config.metrics_days,
  };
  const tenants = new Map<string, RetentionPolicy>();
  for (const t of options.tenants?.list() ?? []) {
    tenants.set(t.name, {
      logs_days: t.logs_days ?? defaults.logs_days,
      events_days: t.events_days ?? defaults.events_days,
      metrics_days: t.metrics_days ?? defaults.metrics_days,
    });
  }
  return {
    now,
    tenants,
    defaults,
    batch_id_horizon_ms: options.config.batch_ids_days * DAY_MS,
    chunk_rows: options.config.chunk_rows,
  };
}

/**
 * Retention (hourly) and metric rollups (every `rollup_interval_ms`). A failure is logged and
 * retried at the next run: maintenance must never stop the server. Returns the function that
 * stops both; safe to call twice.
 */
export function startRetention(
  storage: StorageBackend,
  options: RetentionOptions,
  logger: Logger,
): () => void {
  const retain = async (): Promise<void> => {
    try {
      const run = await storage.retain(retentionRequest(options, Date.now()));
      if (Object.values(run).some((n) => n > 0)) logger.info(run, 'retention removed old data');
    } catch (err) {
      logger.error({ err }, 'retention failed; retrying at the next run');
    }
  };
  const rollup = async (): Promise<void> => {
    try {
      await storage.rollup(Date.now());
    } catch (err) {
      logger.error({ err }, 'metric rollup failed; retrying at the next run');
    }
  };
  void retain();
  void rollup();
  const timers = [
    setInterval(() => void retain(), RETENTION_INTERVAL_MS),
    setInterval(() => void rollup(), options.config.rollup_interval_ms),
  ];
  for (const t of timers) t.unref();
  return () => timers.forEach((t) => clearInterval(t));
}

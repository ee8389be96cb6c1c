import type { Logger } from '../../core/logger.ts';
import type { StorageBackend } from './backend.ts';
import { DAY_MS } from './log-common.ts';

/** Retention runs at start and then this often; a day is dropped within an hour of expiring. */
export const RETENTION_INTERVAL_MS = 3_600_000;

/**
 * Drops logs and events older than `retentionDays`, a whole day at a time (see `dropBefore`).
 * A failure is logged and retried at the next run: retention must never stop the server.
 * Returns the function that stops it; safe to call twice.
 */
export function startRetention(storage: StorageBackend, retentionDays: number, logger: Logger): () => void {
  const run = async (): Promise<void> => {
    try {
      const cutoff = Date.now() - retentionDays * DAY_MS;
      const { days_dropped } = await storage.dropBefore(cutoff);
      if (days_dropped > 0)
        logger.info({ days_dropped, retention_days: retentionDays }, 'retention dropped old days');
    } catch (err) {
      logger.error({ err }, 'retention failed; retrying at the next run');
    }
  };
  void run();
  const timer = setInterval(() => void run(), RETENTION_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

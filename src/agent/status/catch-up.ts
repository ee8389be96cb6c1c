import type { Logger } from '../../core/logger.ts';
import type { BufferStats } from '../buffer/index.ts';
import type { SinkStatus } from './sink-status.ts';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function formatSeconds(s: number): string {
  if (s < 120) return `${Math.ceil(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * Logs progress while a backlog older than one interval drains ("catching up: 1.2 GB left,
 * 35 MB/s, ~40 s"), and once when it is gone, so a long catch-up after an outage is visible in the
 * agent's log without watching /metrics. A backlog that does not drain is left to the shipper's own
 * "delivery failed" warnings.
 */
export class CatchUpLog {
  private timer: NodeJS.Timeout | undefined;
  private catchingUp = false;

  constructor(
    private readonly stats: () => BufferStats,
    private readonly sink: SinkStatus,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  tick(now = Date.now()): void {
    const { bytes, entries, oldest_append_ts: oldest } = this.stats();
    const behind = oldest !== null && now - oldest >= this.intervalMs;
    if (!behind) {
      if (this.catchingUp) this.log.info({ sink: this.sink.sinkId }, 'caught up: the disk buffer is drained');
      this.catchingUp = false;
      return;
    }
    const rate = this.sink.rate(now);
    if (rate.bytes_per_second <= 0) return;
    this.catchingUp = true;
    const eta = bytes / rate.bytes_per_second;
    this.log.info(
      {
        sink: this.sink.sinkId,
        backlog_bytes: bytes,
        backlog_entries: entries,
        drain_bytes_per_second: Math.round(rate.bytes_per_second),
        eta_seconds: Math.ceil(eta),
      },
      `catching up: ${formatBytes(bytes)} left, ${formatBytes(rate.bytes_per_second)}/s, ~${formatSeconds(eta)}`,
    );
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

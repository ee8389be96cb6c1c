import type { Alert } from '../model.ts';
import type { EffectiveRoute } from './route.ts';

/**
 * An aggregation group: the alerts of one route that share the route's group_by values. Its first
 * flush waits group_wait_ms for siblings to arrive; later flushes come every group_interval_ms
 * while it holds alerts. A flush never overlaps the previous one (delivery may be retrying).
 */
export class AggregationGroup {
  readonly alerts = new Map<string, Alert>();
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;
  private closed = false;

  constructor(
    readonly key: string,
    readonly labels: Readonly<Record<string, string>>,
    readonly route: EffectiveRoute,
    private readonly flush: (group: AggregationGroup) => Promise<void>,
  ) {
    this.schedule(route.group_wait_ms);
  }

  insert(alert: Alert): void {
    this.alerts.set(alert.fingerprint, alert);
  }

  get empty(): boolean {
    return this.alerts.size === 0;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    // The engine's own timers and close() decide the server's lifetime, not a group's clock.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    try {
      await this.flush(this);
    } finally {
      this.flushing = false;
      if (!this.empty) this.schedule(Math.max(this.route.group_interval_ms, 10));
    }
  }

  get idle(): boolean {
    return !this.flushing;
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}

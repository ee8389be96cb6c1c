import type { Logger } from '../../../core/logger.ts';
import type { Telemetry } from '../../../core/telemetry.ts';
import { componentCounters } from '../../../core/telemetry.ts';
import type { AlertingConfig } from '../config.ts';
import type { Alert } from '../model.ts';
import type { Notification, Notifier, SendResult } from '../notifiers/notifier.ts';
import type { AlertStore } from '../state/alert-store.ts';
import type { PipelineStore } from '../state/pipeline-store.ts';
import { decide } from './dedup.ts';
import { AggregationGroup } from './group.ts';
import { inhibitedBy } from './inhibit.ts';
import { withRetry } from './retry.ts';
import { effectiveRoutes, groupKey, routeAlert, type EffectiveRoute } from './route.ts';
import { silencedBy } from './silence.ts';

export interface DispatcherDeps {
  readonly config: AlertingConfig;
  readonly alerts: AlertStore;
  readonly pipeline: PipelineStore;
  readonly notifiers: ReadonlyMap<string, Notifier>;
  readonly telemetry: Telemetry;
  readonly logger: Logger;
}

function commonLabels(alerts: readonly Alert[]): Record<string, string> {
  const [first, ...rest] = alerts;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first.labels).filter(([k, v]) => rest.every((a) => a.labels[k] === v)),
  );
}

/**
 * The notification pipeline: route → group → (at flush) silence, inhibit → dedup → retry → notifier.
 * Takes firing and resolved alerts from the engine; pending alerts never get here.
 */
export class Dispatcher {
  private readonly groups = new Map<string, AggregationGroup>();
  private readonly routes: EffectiveRoute[];
  private readonly abort = new AbortController();
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly deps: DispatcherDeps) {
    this.routes = effectiveRoutes(deps.config, [...deps.notifiers.keys()]);
  }

  update(alert: Alert): void {
    if (alert.state === 'pending' || this.abort.signal.aborted) return;
    for (const route of routeAlert(alert.labels, this.deps.config, this.routes)) {
      const { key, labels } = groupKey(route, alert.labels);
      let group = this.groups.get(key);
      if (!group) {
        group = new AggregationGroup(key, labels, route, (g) => this.track(this.flush(g)));
        this.groups.set(key, group);
      }
      group.insert(alert);
    }
  }

  private async flush(group: AggregationGroup): Promise<void> {
    const now = Date.now();
    const snapshot = [...group.alerts.values()];
    const silences = this.deps.pipeline.silences();
    const { inhibit_rules } = this.deps.config;
    const sources = inhibit_rules.length > 0 ? this.deps.alerts.active() : [];
    const firing = snapshot.filter(
      (a) => a.state === 'firing' && !silencedBy(a, silences, now) && !inhibitedBy(a, sources, inhibit_rules),
    );
    const resolved = snapshot.filter((a) => a.state === 'resolved');
    for (const channel of group.route.channels) {
      const notifier = this.deps.notifiers.get(channel);
      const sendResolved = this.deps.config.channels[channel]?.send_resolved ?? true;
      if (!notifier) continue;
      const previous = this.deps.pipeline.lastSent(group.key, channel);
      const decision = decide({
        firing: firing.map((a) => a.fingerprint),
        resolved: resolved.map((a) => a.fingerprint),
        previous,
        send_resolved: sendResolved,
        repeat_interval_ms: group.route.repeat_interval_ms,
        now,
      });
      const entry = { firing: firing.map((a) => a.fingerprint), resolved: decision.resolved, sent_at: now };
      if (!decision.send) {
        // Everything resolved quietly (send_resolved off): forget the group so nothing is owed.
        if (previous && firing.length === 0 && previous.firing.length > 0)
          this.deps.pipeline.markSent(group.key, channel, entry);
        continue;
      }
      const alerts = [...firing, ...resolved.filter((a) => decision.resolved.includes(a.fingerprint))];
      const notification: Notification = {
        status: firing.length > 0 ? 'firing' : 'resolved',
        channel,
        group_key: group.key,
        group_labels: group.labels,
        common_labels: commonLabels(alerts),
        alerts,
        external_url: this.deps.config.external_url,
        sent_at: now,
      };
      const result = await this.deliver(notifier, notification);
      if (result.outcome === 'ok') this.deps.pipeline.markSent(group.key, channel, entry);
    }
    for (const alert of resolved)
      if (group.alerts.get(alert.fingerprint) === alert) group.alerts.delete(alert.fingerprint);
    if (group.empty && this.groups.get(group.key) === group) {
      group.stop();
      this.groups.delete(group.key);
    }
  }

  /** Sends through the retry stage, recording every attempt per alert in the history. */
  async deliver(notifier: Notifier, n: Notification): Promise<SendResult> {
    const counters = componentCounters(this.deps.telemetry, 'notifier', notifier.name);
    const { retry_initial_backoff_ms, retry_max_backoff_ms, retry_max_attempts } = this.deps.config;
    const options = {
      initial_backoff_ms: retry_initial_backoff_ms,
      max_backoff_ms: retry_max_backoff_ms,
      max_attempts: retry_max_attempts,
      signal: this.abort.signal,
    };
    return withRetry(
      () => notifier.send(n),
      options,
      (attempt, result) => {
        const final =
          result.outcome !== 'retryable' || attempt >= retry_max_attempts || this.abort.signal.aborted;
        const outcome =
          result.outcome === 'ok'
            ? 'delivered'
            : result.outcome === 'failed'
              ? 'failed'
              : final
                ? 'gave_up'
                : 'retrying';
        if (result.outcome === 'ok') counters.sent(n.alerts.length);
        else counters.error('send', result.outcome);
        const detail = result.outcome === 'ok' ? `${n.status} to ${notifier.type}` : result.reason;
        if (result.outcome !== 'ok')
          this.deps.logger.warn(
            { channel: notifier.name, attempt, outcome, reason: result.reason },
            'alert notification not delivered',
          );
        for (const alert of n.alerts) {
          this.deps.alerts.record({
            ts: Date.now(),
            tenant: alert.tenant,
            kind: 'notification',
            fingerprint: alert.fingerprint,
            rule_id: alert.rule_id,
            alertname: alert.labels.alertname ?? null,
            channel: notifier.name,
            outcome,
            attempt,
            detail: `${alert.state}: ${detail}`,
          });
        }
      },
    );
  }

  private track(flush: Promise<void>): Promise<void> {
    this.inflight.add(flush);
    return flush.finally(() => this.inflight.delete(flush));
  }

  /**
   * Ends retries in progress and stops every group clock, then waits for flushes in flight, so a
   * delivery that succeeded is in the notification log before the database closes (or a restart
   * would send it again).
   */
  async close(): Promise<void> {
    this.abort.abort();
    for (const group of this.groups.values()) group.stop();
    this.groups.clear();
    await Promise.allSettled([...this.inflight]);
  }
}

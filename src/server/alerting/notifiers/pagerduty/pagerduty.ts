import { JsonNotifier } from '../http.ts';
import { alertLine, alertLink } from '../message.ts';
import type { Notification, SendResult } from '../notifier.ts';
import type { PagerdutyConfig } from './config.ts';
import type { Alert } from '../../model.ts';

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

/**
 * PagerDuty Events API v2: one event per alert, so each alert is its own incident with
 * `dedup_key` = fingerprint, and a resolve closes exactly the incident its trigger opened.
 */
export class PagerdutyNotifier extends JsonNotifier<PagerdutyConfig> {
  readonly type = 'pagerduty';

  event(n: Notification, alert: Alert): Record<string, unknown> {
    const resolved = alert.state === 'resolved';
    const link = alertLink(n, alert);
    const severity = alert.labels.severity ?? 'warning';
    return {
      routing_key: this.config.routing_key,
      event_action: resolved ? 'resolve' : 'trigger',
      dedup_key: alert.fingerprint,
      ...(resolved
        ? {}
        : {
            payload: {
              summary: alertLine(alert).slice(0, 1024),
              source: alert.labels.host ?? 'birdseye',
              severity: SEVERITIES.has(severity) ? severity : 'warning',
              timestamp: new Date(alert.active_since).toISOString(),
              component: alert.labels.actor_name ?? alert.labels.container ?? alert.labels.mountpoint,
              group: alert.labels.host,
              class: alert.labels.alertname,
              custom_details: { labels: alert.labels, value: alert.value, rule: alert.rule_id },
            },
            client: 'Birdseye',
            ...(link ? { client_url: link, links: [{ href: link, text: 'Open in Birdseye' }] } : {}),
          }),
    };
  }

  async send(n: Notification): Promise<SendResult> {
    // Alerts go one by one; the first non-ok result stops the rest so a retry resends them all
    // (PagerDuty dedups a repeated trigger or resolve by dedup_key).
    for (const alert of n.alerts) {
      const result = await this.post(JSON.stringify(this.event(n, alert)));
      if (result.outcome !== 'ok') return result;
    }
    return { outcome: 'ok' };
  }
}

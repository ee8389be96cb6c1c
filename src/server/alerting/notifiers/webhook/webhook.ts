import { createHmac } from 'node:crypto';
import { JsonNotifier } from '../http.ts';
import { alertLink, title } from '../message.ts';
import type { Notification, SendResult } from '../notifier.ts';
import type { WebhookConfig } from './config.ts';

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Generic JSON webhook. The body follows Alertmanager's webhook payload (version 4) closely, so
 * receivers written for Alertmanager mostly work unchanged; Birdseye's extra fields are additive.
 */
export class WebhookNotifier extends JsonNotifier<WebhookConfig> {
  readonly type = 'webhook';

  payload(n: Notification): Record<string, unknown> {
    return {
      version: '4',
      groupKey: n.group_key,
      status: n.status,
      receiver: n.channel,
      title: title(n),
      groupLabels: n.group_labels,
      commonLabels: n.common_labels,
      externalURL: n.external_url ?? '',
      alerts: n.alerts.map((a) => ({
        status: a.state === 'resolved' ? 'resolved' : 'firing',
        labels: a.labels,
        annotations: { summary: a.summary },
        startsAt: new Date(a.fired_at ?? a.active_since).toISOString(),
        endsAt: a.resolved_at === null ? '0001-01-01T00:00:00Z' : new Date(a.resolved_at).toISOString(),
        generatorURL: alertLink(n, a) ?? '',
        fingerprint: a.fingerprint,
        value: a.value,
        ...(a.context?.baseline === undefined ? {} : { baseline: a.context.baseline }),
        related_events: a.context?.events ?? [],
      })),
    };
  }

  send(n: Notification): Promise<SendResult> {
    const body = JSON.stringify(this.payload(n));
    const headers = { ...this.config.headers };
    if (this.config.secret) headers['x-birdseye-signature'] = signature(this.config.secret, body);
    return this.post(body, headers);
  }
}

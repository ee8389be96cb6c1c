import type { Alert } from './model.ts';
import type { Notification } from './notifiers/notifier.ts';

/** What a channel's test-send delivers: a clearly labelled alert that belongs to no rule. */
export function testNotification(
  tenant: string,
  channel: string,
  externalUrl: string | undefined,
): Notification {
  const now = Date.now();
  const alert: Alert = {
    fingerprint: '0000000000000000',
    tenant,
    rule_id: 'test',
    labels: { alertname: 'BirdseyeTest', severity: 'info', channel },
    summary: `Test notification from Birdseye to channel "${channel}"`,
    state: 'firing',
    value: 0,
    active_since: now,
    fired_at: now,
    resolved_at: null,
    updated_at: now,
  };
  return {
    status: 'firing',
    channel,
    group_key: `test:${channel}`,
    group_labels: {},
    common_labels: alert.labels,
    alerts: [alert],
    external_url: externalUrl,
    sent_at: now,
  };
}

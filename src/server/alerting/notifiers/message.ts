import type { Alert } from '../model.ts';
import type { Notification } from './notifier.ts';

/** Text every notifier shares, so an alert reads the same in mail, chat and pager. */
export function title(n: Notification): string {
  const firing = n.alerts.filter((a) => a.state === 'firing').length;
  const name = n.common_labels.alertname ?? n.alerts[0]?.labels.alertname ?? 'alert';
  if (n.status === 'resolved') return `[RESOLVED] ${name}`;
  return `[FIRING:${firing}] ${name}${n.common_labels.host ? ` on ${n.common_labels.host}` : ''}`;
}

export function formatTime(ts: number | null): string {
  return ts === null ? '-' : new Date(ts).toISOString();
}

/**
 * A link to the UI at the alert's time range: from 15 minutes before it became active to its
 * resolve (or now). With a host label it opens that host's logs over the range (`q=host:"…"`),
 * where the charts and the events of the same minutes are one click away; otherwise the logs page.
 */
export function alertLink(n: Notification, alert: Alert): string | undefined {
  if (!n.external_url) return undefined;
  const from = Math.floor(alert.active_since - 15 * 60_000);
  const to = Math.ceil(alert.resolved_at ?? n.sent_at);
  const params = new URLSearchParams();
  const host = alert.labels.host;
  if (host) params.set('q', `host:${JSON.stringify(host)}`);
  params.set('from', String(from));
  params.set('to', String(to));
  params.set('alert', alert.fingerprint);
  const url = new URL('/', n.external_url);
  url.hash = `/logs?${params.toString()}`;
  return url.toString();
}

export function alertLine(alert: Alert): string {
  const state = alert.state === 'resolved' ? `resolved at ${formatTime(alert.resolved_at)}` : 'firing';
  const baseline =
    alert.context?.baseline === undefined ? '' : ` (baseline ${formatValue(alert.context.baseline)})`;
  return `${alert.summary} (${state}; value ${formatValue(alert.value)}${baseline}; since ${formatTime(alert.active_since)})`;
}

/** Recent events of the alert's host, as lines for the message body. */
export function relatedLines(alert: Alert): readonly string[] {
  return alert.context?.events ?? [];
}

export function labelText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

export function plainText(n: Notification): string {
  const lines = [title(n), ''];
  for (const alert of n.alerts) {
    lines.push(`- ${alertLine(alert)}`, `  labels: ${labelText(alert.labels)}`);
    const events = relatedLines(alert);
    if (events.length > 0) lines.push('  recent events:', ...events.map((e) => `    ${e}`));
    const link = alertLink(n, alert);
    if (link) lines.push(`  ${link}`);
  }
  return lines.join('\n');
}

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

/** A link to the UI around the time the alert started, when an external URL is configured. */
export function alertLink(n: Notification, alert: Alert): string | undefined {
  if (!n.external_url) return undefined;
  const from = alert.active_since - 15 * 60_000;
  const to = alert.resolved_at ?? n.sent_at;
  const url = new URL('/', n.external_url);
  url.hash = `alerts?fingerprint=${alert.fingerprint}&from=${Math.floor(from)}&to=${Math.ceil(to)}`;
  return url.toString();
}

export function alertLine(alert: Alert): string {
  const state = alert.state === 'resolved' ? `resolved at ${formatTime(alert.resolved_at)}` : 'firing';
  return `${alert.summary} (${state}; value ${formatValue(alert.value)}; since ${formatTime(alert.active_since)})`;
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
    const link = alertLink(n, alert);
    if (link) lines.push(`  ${link}`);
  }
  return lines.join('\n');
}

import type { Logger } from '../../core/logger.ts';
import { EVENT_FIELDS } from '../query/log-fields.ts';
import { parseLogQuery } from '../query/log-query.ts';
import type { StorageBackend } from '../storage/backend.ts';
import type { Alert } from './model.ts';

export const RELATED_WINDOW_MS = 30 * 60_000;
export const RELATED_MAX = 5;

const quote = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The newest events of the alert's host (and container, when the alert names one) in the half
 * hour before it fired, one line each, for the message: "what changed just before this?". A failed
 * look-up gives no lines rather than no notification.
 */
export async function relatedEvents(
  storage: StorageBackend,
  alert: Alert,
  now: number,
  logger: Logger,
): Promise<string[]> {
  const host = alert.labels.host;
  if (!host) return [];
  const container = alert.labels.actor_name ?? alert.labels.container_name ?? alert.labels.name;
  const text = `host:${quote(host)}${container ? ` AND actor.name:${quote(container)}` : ''}`;
  try {
    const page = await storage.searchEvents(alert.tenant, {
      query: parseLogQuery(text, EVENT_FIELDS),
      from: now - RELATED_WINDOW_MS,
      to: now,
      limit: RELATED_MAX,
    });
    return page.records.map((e) => {
      const actor = e.actor?.name ? ` ${e.actor.name}` : '';
      const message = e.message ? `: ${e.message}` : '';
      return `${new Date(e.ts).toISOString()} ${e.kind} ${e.action}${actor}${message}`.slice(0, 300);
    });
  } catch (error) {
    logger.warn({ err: error, fingerprint: alert.fingerprint }, 'related events look-up failed');
    return [];
  }
}

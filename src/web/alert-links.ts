/**
 * Where an alert leads: the charts and the logs around its start. The scope comes from its
 * labels (host, and a container for event or container rules); a log-count rule's logs are its
 * own query, so the link shows exactly the lines that made it fire.
 */
import type { Alert, Rule } from './alert-api.ts';
import { rangeAround, scopeLogQuery, type Scope } from './correlate.ts';
import { addClause } from './log-api.ts';
import { formatRoute } from './router.ts';

/** Either side of the alert's start. */
const AROUND_MS = 15 * 60_000;

export function alertScope(labels: Record<string, string>): Scope | undefined {
  if (!labels.host) return undefined;
  return { host: labels.host, container: labels.actor_name || labels.container_name || undefined };
}

export function alertStart(alert: Pick<Alert, 'fired_at' | 'active_since'>): number {
  return alert.fired_at ?? alert.active_since;
}

export function alertLogsHref(labels: Record<string, string>, start: number, rule: Rule | undefined): string {
  const range = rangeAround(start, AROUND_MS);
  const scope = alertScope(labels);
  let q = scope ? scopeLogQuery(scope) : '';
  if (rule?.type === 'log_count' && typeof rule.query === 'string') {
    q = rule.query;
    for (const field of (rule.group_by as string[] | undefined) ?? []) {
      const value = labels[field.replace(/\./g, '_')];
      if (value) q = addClause(q, field, value);
    }
  }
  return formatRoute({ page: 'logs', params: { q, ...range } });
}

export function alertChartsHref(labels: Record<string, string>, start: number): string | undefined {
  const scope = alertScope(labels);
  if (!scope) return undefined;
  const range = rangeAround(start, AROUND_MS);
  return scope.container
    ? formatRoute({ page: 'containers', params: { host: scope.host, name: scope.container, ...range } })
    : formatRoute({ page: 'hosts', params: { host: scope.host, ...range } });
}

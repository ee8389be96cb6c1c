import type { AlertingConfig, RouteConfig } from '../config.ts';
import { matchesAll, type Labels } from '../model.ts';

/** A route with every timing filled in from the alerting defaults. */
export interface EffectiveRoute {
  readonly index: number;
  readonly channels: readonly string[];
  readonly group_by: readonly string[];
  readonly group_wait_ms: number;
  readonly group_interval_ms: number;
  readonly repeat_interval_ms: number;
}

export function effectiveRoutes(config: AlertingConfig, channels: readonly string[]): EffectiveRoute[] {
  const routes: RouteConfig[] = config.routes.length
    ? config.routes
    : [{ matchers: [], channels: [...channels], continue: false }];
  return routes.map((r, index) => ({
    index,
    channels: r.channels,
    group_by: r.group_by ?? config.group_by,
    group_wait_ms: r.group_wait_ms ?? config.group_wait_ms,
    group_interval_ms: r.group_interval_ms ?? config.group_interval_ms,
    repeat_interval_ms: r.repeat_interval_ms ?? config.repeat_interval_ms,
  }));
}

/** Route stage: the routes an alert takes. First match wins unless that route says `continue`. */
export function routeAlert(
  labels: Labels,
  config: AlertingConfig,
  routes: readonly EffectiveRoute[],
): EffectiveRoute[] {
  if (config.routes.length === 0) return routes.slice(0, 1).filter((r) => r.channels.length > 0);
  const out: EffectiveRoute[] = [];
  for (const [i, route] of config.routes.entries()) {
    if (!matchesAll(route.matchers, labels)) continue;
    out.push(routes[i]!);
    if (!route.continue) break;
  }
  return out;
}

/** Group stage key: the route and the values of its group_by labels. */
export function groupKey(
  route: EffectiveRoute,
  labels: Labels,
): { key: string; labels: Record<string, string> } {
  const groupLabels: Record<string, string> = {};
  for (const name of route.group_by) groupLabels[name] = labels[name] ?? '';
  return {
    key: `${route.index}:${JSON.stringify(route.group_by.map((n) => groupLabels[n]))}`,
    labels: groupLabels,
  };
}

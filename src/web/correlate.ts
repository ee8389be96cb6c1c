/**
 * One timeline: what a host or container page shows is a scope (host, maybe a container) and a
 * range; from a chart, a click opens the logs of that scope at that minute, and the page's events
 * become markers on every chart.
 */
import { anomalies, type Anomaly } from './alert-api.ts';
import type { Api } from './api.ts';
import { BAD_ACTIONS, type ChartMarker } from './chart-markers.ts';
import { quoteTerm, searchEvents, type ClusterEvent } from './log-api.ts';
import { formatRoute } from './router.ts';
import { absoluteRange, type TimeRange } from './time-range.ts';

export interface Scope {
  host: string;
  /** A container name on that host; undefined for the whole host. */
  container?: string | undefined;
}

const MINUTE_MS = 60_000;

/** `host:"web-1" AND container.name:"api"`: the scope's lines in the log query language. */
export function scopeLogQuery(scope: Scope): string {
  const host = `host:${quoteTerm(scope.host)}`;
  return scope.container === undefined ? host : `${host} AND container.name:${quoteTerm(scope.container)}`;
}

/** The scope's events: on a container page only its own, on a host page all of the host. */
export function scopeEventQuery(scope: Scope): string {
  const host = `host:${quoteTerm(scope.host)}`;
  return scope.container === undefined ? host : `${host} AND actor.name:${quoteTerm(scope.container)}`;
}

/** The Logs page for the scope over a range. */
export function logsHref(scope: Scope, range: TimeRange): string {
  return formatRoute({ page: 'logs', params: { q: scopeLogQuery(scope), from: range.from, to: range.to } });
}

/** The Logs page for the scope in the minute around `ts` (the minute it falls in). */
export function minuteLogsHref(scope: Scope, ts: number): string {
  const start = Math.floor(ts / MINUTE_MS) * MINUTE_MS;
  return logsHref(scope, absoluteRange(start, start + MINUTE_MS));
}

/** A span around a moment, e.g. 15 minutes either side of an alert's start. */
export function rangeAround(ts: number, marginMs: number): TimeRange {
  return absoluteRange(ts - marginMs, Math.min(Date.now(), ts + marginMs));
}

export function eventMarker(event: ClusterEvent): ChartMarker {
  return { ts: event.ts, label: event.action, bad: BAD_ACTIONS.has(event.action) };
}

/** An anomaly as a shaded stretch on the charts (the metric and how far off it was, as its label). */
export function anomalyMarker(anomaly: Anomaly): ChartMarker {
  return {
    ts: anomaly.start,
    end: Math.max(anomaly.end, anomaly.start),
    label: `anomaly: ${anomaly.metric}`,
    bad: true,
  };
}

/** The scope's anomalies in the range, or none where the server has no anomaly endpoint. */
export async function scopeAnomalies(api: Api, scope: Scope, range: TimeRange): Promise<Anomaly[]> {
  const filter = { host: scope.host, ...(scope.container ? { container: scope.container } : {}) };
  const found = (await anomalies(api, range.from, range.to, filter)) ?? [];
  // A host page shades the host's own metrics' anomalies, not those of its containers.
  return scope.container ? found : found.filter((a) => a.container === null);
}

/** The scope's events in the range (the newest 100), as chart markers, oldest first. */
export async function scopeEvents(api: Api, scope: Scope, range: TimeRange): Promise<ClusterEvent[]> {
  const page = await searchEvents(api, { q: scopeEventQuery(scope), from: range.from, to: range.to });
  return [...page.events].reverse();
}

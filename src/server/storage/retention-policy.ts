import type { RetentionPolicy, RetentionRequest } from './backend.ts';
import { DAY_MS } from './log-common.ts';

export interface Cutoffs {
  /** Whole days ending at or before these are dropped (logs, events). */
  readonly logs: number;
  readonly events: number;
  /** Samples before this are removed. */
  readonly metrics: number;
}

export function policyOf(request: RetentionRequest, tenant: string): RetentionPolicy {
  return request.tenants.get(tenant) ?? request.defaults;
}

export function cutoffsOf(request: RetentionRequest, tenant: string): Cutoffs {
  const p = policyOf(request, tenant);
  return {
    logs: request.now - p.logs_days * DAY_MS,
    events: request.now - p.events_days * DAY_MS,
    metrics: request.now - p.metrics_days * DAY_MS,
  };
}

/**
 * The cutoff before which a whole day partition can go for every tenant at once: that of the
 * longest log or event retention any tenant has (the defaults count for tenants not listed).
 */
export function sharedDayCutoff(request: RetentionRequest): number {
  let longest = Math.max(request.defaults.logs_days, request.defaults.events_days);
  for (const p of request.tenants.values()) longest = Math.max(longest, p.logs_days, p.events_days);
  return request.now - longest * DAY_MS;
}

/** True when the whole UTC day `day` ends at or before `cutoff`. */
export function dayExpired(day: number, cutoff: number): boolean {
  return (day + 1) * DAY_MS <= cutoff;
}

import type { FastifyInstance } from 'fastify';
import type { AgentDirectory, KnownAgent } from '../../config/etcd/registrations.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { Bucket, StorageBackend } from '../storage/backend.ts';
import { requireScope, tenantOf } from './auth-hook.ts';

/** An agent is "up" while it reported within this long. */
const STALE_AFTER_MS = 60_000;
const WINDOW_MS = 3 * 60_000;
const STEP_MS = 5_000;
/** Rates are taken over about this long, or what the window holds. */
const RATE_SPAN_MS = 60_000;

/** The self-report series an agent ships (see src/agent/status/self-report.ts). */
const SERIES = {
  lines: 'birdseye_agent_received_log_records_total',
  events: 'birdseye_agent_received_events_total',
  errors: 'birdseye_agent_errors_total',
  dropped: 'birdseye_agent_dropped_events_total',
  backlogBytes: 'birdseye_agent_buffer_backlog_bytes',
  backlogEntries: 'birdseye_agent_buffer_backlog_entries',
  oldestAge: 'birdseye_agent_buffer_oldest_age_seconds',
  uptime: 'birdseye_agent_uptime_seconds',
} as const;

type Reading = { last: number; rate: number | null };

/** Last value and per-second increase of a counter over its buckets (a reset counts from zero). */
function reading(buckets: readonly Bucket[]): Reading | undefined {
  const last = buckets.at(-1);
  if (!last) return undefined;
  const first = buckets.find((b) => b.ts >= last.ts - RATE_SPAN_MS) ?? last;
  if (first === last) return { last: last.max, rate: null };
  const increase = last.max >= first.max ? last.max - first.max : last.max;
  return { last: last.max, rate: increase / ((last.ts - first.ts) / 1000) };
}

/** What an etcd registration adds to a row: where the node's gateway listens, and whether it should report. */
function registration(agent: KnownAgent | undefined) {
  if (!agent) return {};
  return {
    registered: agent.registered,
    gateway: agent.gateway ?? null,
    metrics_url: agent.metrics_url ?? null,
    started_at: agent.started_at,
    config_revision: agent.config_revision ?? null,
  };
}

/**
 * GET /api/v1/agents: every host that sent data, and with --etcd every node registered there (the
 * ones that should be reporting; `status: 'missing'` until one does).
 */
export function agentRoutes(
  app: FastifyInstance,
  deps: { storage: StorageBackend; tokens: TokenStore; agents: AgentDirectory | undefined },
): void {
  const { storage, tokens } = deps;
  const read = { onRequest: requireScope(tokens, 'read') };

  // The server's view of its agents: hosts from the batches they sent, health from the
  // birdseye_agent_* samples each agent ships about itself.
  app.get('/api/v1/agents', read, async (request) => {
    const tenant = tenantOf(request);
    const now = Date.now();
    const range = { from: now - WINDOW_MS, to: now, step_ms: STEP_MS, matchers: [] };
    const byHost = new Map<string, Partial<Record<keyof typeof SERIES, Reading>>>();
    await Promise.all(
      Object.entries(SERIES).map(async ([key, name]) => {
        for (const series of await storage.queryMetrics(tenant, { ...range, name })) {
          const host = series.labels.host;
          const value = reading(series.buckets);
          if (host === undefined || !value) continue;
          const entry = byHost.get(host) ?? {};
          entry[key as keyof typeof SERIES] = value;
          byHost.set(host, entry);
        }
      }),
    );
    const hosts = await storage.hosts(tenant);
    const registered = new Map((deps.agents?.list() ?? []).map((a) => [a.host, a]));
    const reporting = new Set(hosts.map((h) => h.host));
    return {
      etcd: deps.agents !== undefined,
      agents: [
        ...hosts.map((h) => {
          const r = byHost.get(h.host) ?? {};
          return {
            host: h.host,
            agent_id: h.agent_id,
            version: h.agent_version,
            first_seen: h.first_seen,
            last_seen: h.last_seen,
            status: now - h.last_seen <= STALE_AFTER_MS ? 'up' : 'stale',
            reports_stats: r.events !== undefined,
            uptime_seconds: r.uptime?.last ?? null,
            lines_per_second: r.lines?.rate ?? null,
            events_per_second: r.events?.rate ?? null,
            backlog_bytes: r.backlogBytes?.last ?? null,
            backlog_entries: r.backlogEntries?.last ?? null,
            oldest_age_seconds: r.oldestAge?.last ?? null,
            errors_total: r.errors?.last ?? null,
            dropped_total: r.dropped?.last ?? null,
            ...registration(registered.get(h.host)),
          };
        }),
        ...[...registered.values()]
          .filter((agent) => !reporting.has(agent.host))
          .map((agent) => ({
            host: agent.host,
            version: agent.version,
            first_seen: null,
            last_seen: null,
            status: 'missing' as const,
            reports_stats: false,
            ...registration(agent),
          })),
      ],
    };
  });
}

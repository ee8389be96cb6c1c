import type { FastifyInstance } from 'fastify';
import { BirdseyeError } from '../../core/errors.ts';
import { SEVERITIES } from '../../model/index.ts';
import { EVENT_FIELDS } from '../query/log-fields.ts';
import { parseLogQuery } from '../query/log-query.ts';
import type { HistogramCount, StorageBackend } from '../storage/backend.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { requireScope, tenantOf } from './auth-hook.ts';
import { duration, integer, oneOf, required, timeRange, type Query } from './params.ts';
import { groupByPattern, parseWithPatterns } from './pattern-routes.ts';

export const MAX_LIMIT = 1000;
export const MAX_HISTOGRAM_BUCKETS = 2000;
const NICE_INTERVALS_MS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400].map(
  (s) => s * 1000,
);

/** About 100 buckets over the range, at an interval a person would pick. */
export function defaultInterval(from: number, to: number): number {
  const raw = Math.max(1, (to - from) / 100);
  return NICE_INTERVALS_MS.find((ms) => ms >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

function severityName(severity: number | null): string {
  return severity === null ? 'unknown' : (SEVERITIES[severity] ?? 'unknown');
}

/** Every bucket of the range, empty ones included, so a chart needs no gap filling. */
export function fillBuckets(counts: HistogramCount[], from: number, to: number, interval: number) {
  const buckets = new Map<number, { ts: number; total: number; by_severity: Record<string, number> }>();
  for (let ts = Math.floor(from / interval) * interval; ts <= to; ts += interval) {
    buckets.set(ts, { ts, total: 0, by_severity: {} });
  }
  for (const c of counts) {
    const b = buckets.get(c.ts);
    if (!b) continue;
    b.total += c.count;
    const name = severityName(c.severity);
    b.by_severity[name] = (b.by_severity[name] ?? 0) + c.count;
  }
  return [...buckets.values()];
}

/** Log search, histogram and context; events and the container inventory. */
export function logRoutes(app: FastifyInstance, storage: StorageBackend, tokens: TokenStore): void {
  const read = { onRequest: requireScope(tokens, 'read') };

  app.get('/api/v1/logs/search', read, async (request) => {
    const query = request.query as Query;
    const { from, to } = timeRange(query, Date.now());
    const tenant = tenantOf(request);
    const q = await parseWithPatterns(storage, tenant, query.q ?? '');
    const limit = integer(query, 'limit', 100, 1, MAX_LIMIT);
    if (oneOf(query, 'group', ['none', 'pattern'], 'none') === 'pattern') {
      return groupByPattern(storage, tenant, { query: q, from, to, limit });
    }
    return storage.searchLogs(tenant, {
      query: q,
      from,
      to,
      limit,
      order: oneOf(query, 'order', ['newest', 'oldest'], 'newest'),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
  });

  app.get('/api/v1/logs/histogram', read, async (request) => {
    const query = request.query as Query;
    const { from, to } = timeRange(query, Date.now());
    const interval_ms = duration(query, 'interval') ?? defaultInterval(from, to);
    if ((to - from) / interval_ms > MAX_HISTOGRAM_BUCKETS) {
      throw new BirdseyeError(
        'BE_QUERY_INVALID',
        `interval: ${interval_ms} ms gives more than ${MAX_HISTOGRAM_BUCKETS} buckets over this range; use a larger one`,
      );
    }
    const tenant = tenantOf(request);
    const counts = await storage.logHistogram(tenant, {
      query: await parseWithPatterns(storage, tenant, query.q ?? ''),
      from,
      to,
      interval_ms,
    });
    return { from, to, interval_ms, buckets: fillBuckets(counts, from, to, interval_ms) };
  });

  app.get('/api/v1/logs/context', read, async (request) => {
    const query = request.query as Query;
    const id = required(query, 'id');
    const before = integer(query, 'before', 10, 0, MAX_LIMIT);
    const after = integer(query, 'after', 10, 0, MAX_LIMIT);
    const context = await storage.logContext(tenantOf(request), id, before, after);
    if (!context) throw new BirdseyeError('BE_NOT_FOUND', `no log record with id "${id}"`);
    return context;
  });

  app.get('/api/v1/events', read, async (request) => {
    const query = request.query as Query;
    const { from, to } = timeRange(query, Date.now());
    const page = await storage.searchEvents(tenantOf(request), {
      query: parseLogQuery(query.q ?? '', EVENT_FIELDS),
      from,
      to,
      limit: integer(query, 'limit', 100, 1, MAX_LIMIT),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { events: page.records, next_cursor: page.next_cursor };
  });

  app.get('/api/v1/containers', read, async (request) => ({
    containers: await storage.containers(tenantOf(request)),
  }));
}

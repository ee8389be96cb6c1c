import type { FastifyInstance } from 'fastify';
import { BirdseyeError } from '../../core/errors.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { defaultStep, evaluate, MAX_POINTS, pointCount } from '../query/metric-engine.ts';
import { parseMetricQuery } from '../query/metric-query.ts';
import { parseDuration } from '../query/time.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { requireScope, tenantOf } from './auth-hook.ts';
import { required, timeRange, type Query } from './params.ts';

/** A host is "up" while it reported within this many of its own intervals. */
export const STALE_AFTER_MS = 60_000;

function stepOf(query: Query, from: number, to: number): number {
  if (query.step === undefined || query.step === '') return defaultStep(from, to);
  const step = /^\d+$/.test(query.step) ? Number(query.step) : parseDuration(query.step);
  if (step === undefined || step < 1) {
    throw new BirdseyeError(
      'BE_QUERY_INVALID',
      `step: "${query.step}" is not a duration; use milliseconds or 30s`,
    );
  }
  if (pointCount({ from, to, step_ms: step }) > MAX_POINTS) {
    throw new BirdseyeError(
      'BE_QUERY_INVALID',
      `step ${step} ms gives more than ${MAX_POINTS} points over this range; use a larger step`,
    );
  }
  return step;
}

export function queryRoutes(app: FastifyInstance, storage: StorageBackend, tokens: TokenStore): void {
  const read = { onRequest: requireScope(tokens, 'read') };

  app.get('/api/v1/metrics/query', read, async (request) => {
    const query = request.query as Query;
    const expr = parseMetricQuery(required(query, 'query'));
    const { from, to } = timeRange(query, Date.now());
    const step_ms = stepOf(query, from, to);
    const series = await evaluate(storage, tenantOf(request), expr, { from, to, step_ms });
    return { from, to, step_ms, series };
  });

  app.get('/api/v1/metrics/names', read, async (request) => ({
    names: await storage.metricNames(tenantOf(request)),
  }));

  app.get('/api/v1/metrics/labels', read, async (request) => {
    const query = request.query as Query;
    return { values: await storage.labelValues(tenantOf(request), required(query, 'label'), query.metric) };
  });

  app.get('/api/v1/hosts', read, async (request) => {
    const now = Date.now();
    const hosts = await storage.hosts(tenantOf(request));
    return {
      hosts: hosts.map((h) => ({ ...h, status: now - h.last_seen <= STALE_AFTER_MS ? 'up' : 'stale' })),
    };
  });
}

import type { FastifyInstance } from 'fastify';
import type { AlertEngine } from '../alerting/engine.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { requireScope, tenantOf } from './auth-hook.ts';
import { buildOverview } from './overview.ts';
import { integer, timeRange, type Query } from './params.ts';

/**
 * `GET /api/v1/overview?from&to&top&recent`: everything the Overview page draws, in one answer.
 * A `Server-Timing` header gives the time of each storage read, so a slow one shows in the
 * browser's network panel without a profiler.
 */
export function overviewRoutes(
  app: FastifyInstance,
  deps: { storage: StorageBackend; alerting: AlertEngine; tokens: TokenStore },
): void {
  app.get('/api/v1/overview', { onRequest: requireScope(deps.tokens, 'read') }, async (request, reply) => {
    const query = request.query as Query;
    const now = Date.now();
    const { from, to } = timeRange(query, now);
    const timings: string[] = [];
    const overview = await buildOverview(
      deps.storage,
      deps.alerting,
      tenantOf(request),
      {
        from,
        to,
        now,
        top: integer(query, 'top', 8, 1, 100),
        recent: integer(query, 'recent', 12, 1, 100),
      },
      (name, ms) => timings.push(`${name};dur=${ms.toFixed(1)}`),
    );
    reply.header('server-timing', timings.join(', '));
    return overview;
  });
}

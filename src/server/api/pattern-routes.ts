import type { FastifyInstance } from 'fastify';
import { BirdseyeError } from '../../core/errors.ts';
import { SEVERITIES } from '../../model/index.ts';
import { expandPatternTerms, mentionsPattern } from '../patterns/query-expand.ts';
import { parseLogQuery, type LogQuery } from '../query/log-query.ts';
import type { StorageBackend } from '../storage/backend.ts';
import type { PatternSummary } from '../storage/pattern-types.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { requireScope, tenantOf } from './auth-hook.ts';
import { duration, integer, timeRange, type Query } from './params.ts';

export const MAX_PATTERNS = 500;
const SPARKLINE_BUCKETS = 30;
const MIN_STEP_MS = 60_000;

function withSeverityName(p: PatternSummary) {
  return { ...p, severity_name: p.severity === null ? null : (SEVERITIES[p.severity] ?? null) };
}

/** One pattern by id (an absorbed id resolves to the pattern that absorbed it). */
async function findPattern(storage: StorageBackend, tenant: string, id: string, from: number, to: number) {
  const step_ms = Math.max(MIN_STEP_MS, Math.ceil((to - from + 1) / SPARKLINE_BUCKETS));
  const [found] = await storage.queryPatterns(tenant, { from, to, limit: 1, step_ms, id });
  return found;
}

/** A log query in which `pattern:<id>` also matches the ids that pattern absorbed. */
export async function parseWithPatterns(
  storage: StorageBackend,
  tenant: string,
  q: string,
): Promise<LogQuery> {
  const query = parseLogQuery(q);
  if (!mentionsPattern(query)) return query;
  const now = Date.now();
  return expandPatternTerms(query, async (id) => {
    const found = await findPattern(storage, tenant, id, now, now);
    return found ? [found.id, ...found.merged] : [id];
  });
}

/** `GET /api/v1/patterns` (ranked, with sparklines) and `GET /api/v1/patterns/:id`. */
export function patternRoutes(app: FastifyInstance, storage: StorageBackend, tokens: TokenStore): void {
  const read = { onRequest: requireScope(tokens, 'read') };

  app.get('/api/v1/patterns', read, async (request) => {
    const query = request.query as Query;
    const { from, to } = timeRange(query, Date.now());
    const step_ms =
      duration(query, 'step') ?? Math.max(MIN_STEP_MS, Math.ceil((to - from + 1) / SPARKLINE_BUCKETS));
    if ((to - from) / step_ms > 1000) {
      throw new BirdseyeError(
        'BE_QUERY_INVALID',
        `step: ${step_ms} ms gives more than 1000 buckets; use a larger one`,
      );
    }
    const patterns = await storage.queryPatterns(tenantOf(request), {
      from,
      to,
      step_ms,
      limit: integer(query, 'limit', 50, 1, MAX_PATTERNS),
      text: query.q ?? '',
    });
    return { from, to, step_ms, patterns: patterns.map(withSeverityName) };
  });

  app.get('/api/v1/patterns/:id', read, async (request) => {
    const { id } = request.params as { id: string };
    const { from, to } = timeRange(request.query as Query, Date.now());
    const found = await findPattern(storage, tenantOf(request), id, from, to);
    if (!found) throw new BirdseyeError('BE_NOT_FOUND', `no pattern with id "${id}"`);
    return withSeverityName(found);
  });
}

/** `group=pattern` of log search: matching records counted per pattern, with each pattern's template. */
export async function groupByPattern(
  storage: StorageBackend,
  tenant: string,
  search: { query: LogQuery; from: number; to: number; limit: number },
) {
  const groups = await storage.groupLogsByPattern(tenant, search);
  const now = Date.now();
  const out = [];
  for (const g of groups) {
    const p = g.pattern === null ? undefined : await findPattern(storage, tenant, g.pattern, now, now);
    out.push({
      pattern: g.pattern,
      count: g.count,
      template: p?.template ?? null,
      severity: p?.severity ?? null,
    });
  }
  return { groups: out };
}

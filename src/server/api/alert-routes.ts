import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BirdseyeError, formatIssues } from '../../core/errors.ts';
import type { AlertEngine } from '../alerting/engine.ts';
import { parseMatcher } from '../alerting/matcher.ts';
import type { AlertState, Matcher } from '../alerting/model.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { parseTime } from '../query/time.ts';
import { requireScope, tenantOf } from './auth-hook.ts';
import { integer, timeRange, type Query } from './params.ts';

const STATES: readonly AlertState[] = ['pending', 'firing', 'resolved'];

const silenceBody = z
  .object({
    /** `label="value"` strings, as in routes; or give `fingerprint` to silence exactly one alert's labels. */
    matchers: z.array(z.string()).optional(),
    fingerprint: z.string().optional(),
    starts_at: z.union([z.number(), z.string()]).optional(),
    ends_at: z.union([z.number(), z.string()]).optional(),
    duration_ms: z.number().int().min(1000).optional(),
    comment: z.string().max(1000).default(''),
    created_by: z.string().max(200).optional(),
  })
  .strict();

function bodyError(message: string): BirdseyeError {
  return new BirdseyeError('BE_BODY_INVALID', message);
}

function silenceMatchers(engine: AlertEngine, tenant: string, body: z.infer<typeof silenceBody>): Matcher[] {
  if (body.fingerprint !== undefined) {
    const alert = engine.alerts(tenant, STATES).find((a) => a.fingerprint === body.fingerprint);
    if (!alert) throw new BirdseyeError('BE_NOT_FOUND', `no alert with fingerprint ${body.fingerprint}`);
    return Object.entries(alert.labels).map(([label, value]) => ({ label, op: '=', value }));
  }
  if (!body.matchers?.length) throw bodyError('matchers: give at least one matcher, or a fingerprint');
  return body.matchers.map((text, i) => {
    const parsed = parseMatcher(text);
    if (typeof parsed === 'string') throw bodyError(`matchers[${i}]: ${parsed}`);
    return parsed;
  });
}

/** `/api/v1/alerts/...`: reads need the read scope, changes and test-sends the admin scope. */
export function alertRoutes(app: FastifyInstance, engine: AlertEngine, tokens: TokenStore): void {
  const read = { onRequest: requireScope(tokens, 'read') };
  const admin = { onRequest: requireScope(tokens, 'admin') };

  app.get('/api/v1/alerts', read, (request) => {
    const query = request.query as Query;
    const states = (query.state ?? 'pending,firing').split(',');
    for (const s of states) {
      if (!STATES.includes(s as AlertState))
        throw new BirdseyeError('BE_QUERY_INVALID', `state: "${s}" must be one of ${STATES.join(', ')}`);
    }
    return { alerts: engine.alerts(tenantOf(request), states as AlertState[]) };
  });

  app.get('/api/v1/alerts/rules', read, (request) => ({
    rules: engine.rules.filter((r) => r.tenant === tenantOf(request)),
  }));

  app.get('/api/v1/alerts/history', read, (request) => {
    const query = request.query as Query;
    const { from, to } = timeRange({ from: 'now-24h', ...query }, Date.now());
    const limit = integer(query, 'limit', 200, 1, 5000);
    return {
      history: engine.history(tenantOf(request), { from, to, limit, fingerprint: query.fingerprint }),
    };
  });

  app.get('/api/v1/alerts/channels', read, () => ({ channels: engine.channels() }));

  // Anomaly marks are data, like metrics: charts shade them whether or not a rule alerted.
  app.get('/api/v1/anomalies', read, (request) => {
    const query = request.query as Query;
    const { from, to } = timeRange(query, Date.now());
    const limit = integer(query, 'limit', 1000, 1, 10_000);
    const filter = {
      from,
      to,
      limit,
      host: query.host || undefined,
      container: query.container || undefined,
    };
    return { anomalies: engine.anomalies(tenantOf(request), filter) };
  });

  app.post('/api/v1/alerts/channels/:name/test', admin, async (request) => {
    const { name } = request.params as { name: string };
    const result = await engine.testChannel(tenantOf(request), name);
    if (!result) throw new BirdseyeError('BE_NOT_FOUND', `no channel named "${name}"`);
    return { channel: name, ...result };
  });

  app.get('/api/v1/alerts/silences', read, (request) => {
    const now = Date.now();
    const silences = engine.silences(tenantOf(request));
    return {
      silences: silences.map((s) => ({
        ...s,
        status: s.ends_at <= now ? 'expired' : s.starts_at > now ? 'pending' : 'active',
      })),
    };
  });

  app.post('/api/v1/alerts/silences', admin, (request, reply) => {
    const parsed = silenceBody.safeParse(request.body ?? {});
    if (!parsed.success) throw bodyError(formatIssues(parsed.error.issues));
    const body = parsed.data;
    const tenant = tenantOf(request);
    const now = Date.now();
    const starts_at =
      body.starts_at === undefined ? now : parseTime(String(body.starts_at), 'starts_at', now);
    let ends_at: number;
    if (body.ends_at !== undefined) ends_at = parseTime(String(body.ends_at), 'ends_at', now);
    else if (body.duration_ms !== undefined) ends_at = starts_at + body.duration_ms;
    else throw bodyError('give ends_at or duration_ms: a silence always expires');
    if (ends_at <= starts_at) throw bodyError('ends_at must be after starts_at');
    const matchers = silenceMatchers(engine, tenant, body);
    const silence = engine.addSilence({
      tenant,
      matchers,
      starts_at,
      ends_at,
      created_by: body.created_by ?? 'api',
      comment: body.comment,
    });
    return reply.status(201).send({ silence });
  });

  app.delete('/api/v1/alerts/silences/:id', admin, (request) => {
    const { id } = request.params as { id: string };
    if (!engine.expireSilence(tenantOf(request), id))
      throw new BirdseyeError('BE_NOT_FOUND', `no silence ${id}`);
    return { id, status: 'expired' };
  });
}

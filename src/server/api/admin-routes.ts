import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BirdseyeError } from '../../core/errors.ts';
import { generatePassword } from '../auth/passwords.ts';
import { checkTenantName } from '../auth/tenants.ts';
import { generateToken, SCOPES, type TokenStore } from '../auth/token-store.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { requireScope, tenantOf } from './auth-hook.ts';
import { parseBody } from './auth-routes.ts';

const days = z.number().int().min(1).max(36_500).nullable();
const tenantBody = z
  .object({
    name: z.string(),
    logs_days: days.optional(),
    events_days: days.optional(),
    metrics_days: days.optional(),
  })
  .strict();
const retentionBody = tenantBody.omit({ name: true });
const tokenBody = z
  .object({
    scopes: z.array(z.enum(['ingest', 'read'])).min(1),
    name: z.string().min(1).max(200).default('api'),
    rate_per_s: z.number().min(0).optional(),
  })
  .strict();
const userBody = z
  .object({
    name: z.string(),
    /** Left out: one is generated and returned once. */
    password: z.string().max(1024).optional(),
    tenants: z.array(z.string()).default([]),
    admin: z.boolean().default(false),
  })
  .strict();

function tenantParam(tokens: TokenStore, params: unknown): string {
  const name = (params as { tenant: string }).tenant;
  if (!tokens.tenants.get(name)) throw new BirdseyeError('BE_NOT_FOUND', `no tenant "${name}"`);
  return name;
}

/**
 * `/api/v1/admin/...`: tenants, their tokens and retention, and users. Needs the `admin` scope
 * (the admin token, or a signed-in admin user). `GET /api/v1/usage` is the caller's own tenant.
 */
export function adminRoutes(app: FastifyInstance, tokens: TokenStore, storage: StorageBackend): void {
  const admin = { onRequest: requireScope(tokens, 'admin') };

  app.get('/api/v1/usage', { onRequest: requireScope(tokens, 'read') }, async (request) => ({
    tenant: tenantOf(request),
    ...(await storage.usage(tenantOf(request))),
  }));

  app.get('/api/v1/admin/tenants', admin, async () => ({
    tenants: await Promise.all(
      tokens.tenants.list().map(async (t) => ({ ...t, usage: await storage.usage(t.name) })),
    ),
  }));

  app.post('/api/v1/admin/tenants', admin, async (request, reply) => {
    const { name, ...retention } = parseBody(tenantBody, request.body);
    const created = tokens.tenants.ensure(checkTenantName(name));
    const tenant = tokens.tenants.setRetention(name, retention);
    return reply.status(created ? 201 : 200).send(tenant);
  });

  app.put('/api/v1/admin/tenants/:tenant/retention', admin, (request) =>
    tokens.tenants.setRetention(tenantParam(tokens, request.params), parseBody(retentionBody, request.body)),
  );

  app.get('/api/v1/admin/tenants/:tenant/tokens', admin, (request) => ({
    tokens: tokens.list(tenantParam(tokens, request.params)),
  }));

  app.post('/api/v1/admin/tenants/:tenant/tokens', admin, async (request, reply) => {
    const tenant = tenantParam(tokens, request.params);
    const body = parseBody(tokenBody, request.body);
    const token = generateToken();
    const id = tokens.add(
      token,
      {
        tenant,
        scopes: SCOPES.filter((s) => body.scopes.includes(s as 'ingest')),
        ...(body.rate_per_s === undefined ? {} : { rate_per_s: body.rate_per_s }),
      },
      body.name,
    );
    // The only time the secret leaves the server: it is stored as a hash.
    return reply.status(201).send({ id, tenant, scopes: body.scopes, name: body.name, token });
  });

  app.delete('/api/v1/admin/tokens/:id', admin, (request) => {
    const { id } = request.params as { id: string };
    if (!tokens.revoke(id)) throw new BirdseyeError('BE_NOT_FOUND', `no token with id "${id}"`);
    return { id, status: 'revoked' };
  });

  app.get('/api/v1/admin/users', admin, () => ({ users: tokens.users.list() }));

  app.post('/api/v1/admin/users', admin, async (request, reply) => {
    const body = parseBody(userBody, request.body);
    for (const t of body.tenants) tenantParam(tokens, { tenant: t });
    const password = body.password ?? generatePassword();
    const user = await tokens.users.put(body.name, password, body.admin, body.tenants);
    tokens.sessions.removeUser(user.name);
    return reply.status(201).send({ ...user, ...(body.password === undefined ? { password } : {}) });
  });

  app.delete('/api/v1/admin/users/:name', admin, (request) => {
    const { name } = request.params as { name: string };
    if (!tokens.users.remove(name)) throw new BirdseyeError('BE_NOT_FOUND', `no user "${name}"`);
    tokens.sessions.removeUser(name);
    return { name, status: 'removed' };
  });
}

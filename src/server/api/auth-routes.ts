import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BirdseyeError, formatIssues } from '../../core/errors.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { cookie, requireScope, SESSION_COOKIE } from './auth-hook.ts';

const loginBody = z
  .object({ user: z.string().min(1).max(128), password: z.string().min(1).max(1024) })
  .strict();
const tenantBody = z.object({ tenant: z.string().min(1) }).strict();

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new BirdseyeError('BE_BODY_INVALID', formatIssues(parsed.error.issues));
  return parsed.data;
}

function setCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeS: number): void {
  // Secure only over HTTPS, so sign-in also works on a plain-HTTP localhost trial.
  const secure = request.protocol === 'https' ? '; Secure' : '';
  void reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`,
  );
}

/**
 * UI sign-in: `POST /api/v1/auth/login` checks the password and sets the session cookie;
 * `logout` ends the session; `me` says who is signed in and which tenants they may switch to;
 * `tenant` switches the session's tenant. Requests with a token get `me` too, for scripts.
 */
export function authRoutes(app: FastifyInstance, tokens: TokenStore, sessionTtlMs: number): void {
  app.post('/api/v1/auth/login', async (request, reply) => {
    const body = parseBody(loginBody, request.body);
    // Password guessing: 10 tries at once per client address, then one every 10 s.
    const waitMs = tokens.limiter?.take(`login:${request.ip}`, 0.1, Date.now(), 10) ?? 0;
    if (waitMs > 0) {
      void reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new BirdseyeError(
        'BE_RATE_LIMITED',
        `too many sign-in attempts; retry after ${Math.ceil(waitMs / 1000)} s`,
      );
    }
    const user = await tokens.users.verify(body.user, body.password);
    if (!user) throw new BirdseyeError('BE_UNAUTHORIZED', 'wrong user name or password');
    const tenant = user.tenants[0];
    if (tenant === undefined) {
      throw new BirdseyeError(
        'BE_FORBIDDEN',
        `user "${user.name}" belongs to no tenant; ask an admin to add one`,
      );
    }
    const { id, session } = tokens.sessions.create(user.name, tenant, sessionTtlMs);
    setCookie(request, reply, id, Math.floor(sessionTtlMs / 1000));
    return {
      user: user.name,
      admin: user.admin,
      tenant,
      tenants: user.tenants,
      expires_ts: session.expires_ts,
    };
  });

  app.post('/api/v1/auth/logout', (request, reply) => {
    const id = cookie(request, SESSION_COOKIE);
    if (id) tokens.sessions.remove(id);
    setCookie(request, reply, '', 0);
    return { status: 'signed_out' };
  });

  app.get('/api/v1/auth/me', { onRequest: requireScope(tokens, 'read') }, (request) => {
    const p = request.principal!;
    const user = p.user === undefined ? undefined : tokens.users.get(p.user);
    return {
      user: p.user ?? null,
      tenant: p.tenant,
      tenants: user?.tenants ?? [p.tenant],
      scopes: p.scopes,
    };
  });

  app.post('/api/v1/auth/tenant', { onRequest: requireScope(tokens, 'read') }, (request) => {
    const { tenant } = parseBody(tenantBody, request.body);
    const p = request.principal!;
    const id = cookie(request, SESSION_COOKIE);
    if (p.user === undefined || id === undefined) {
      throw new BirdseyeError(
        'BE_FORBIDDEN',
        'only a signed-in user can switch tenants; a token has one tenant',
      );
    }
    const user = tokens.users.get(p.user);
    if (!user?.tenants.includes(tenant)) {
      throw new BirdseyeError('BE_FORBIDDEN', `user "${p.user}" is not a member of tenant "${tenant}"`);
    }
    tokens.sessions.switchTenant(id, tenant);
    return { user: p.user, tenant, tenants: user.tenants };
  });
}

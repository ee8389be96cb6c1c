import type { FastifyReply, FastifyRequest } from 'fastify';
import { BirdseyeError } from '../../core/errors.ts';
import type { Principal, Scope, TokenStore } from '../auth/token-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The UI's session cookie: HTTP-only, so page scripts (and anything injected into them) never see it. */
export const SESSION_COOKIE = 'birdseye_session';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * The signed-in user of a session cookie, reading the tenant the session has chosen. A user
 * removed from that tenant since loses it at once. Users read; server administrators also admin.
 */
export function sessionPrincipal(tokens: TokenStore, request: FastifyRequest): Principal | undefined {
  const id = cookie(request, SESSION_COOKIE);
  if (!id) return undefined;
  const session = tokens.sessions.get(id);
  if (!session) return undefined;
  const user = tokens.users.get(session.user);
  if (!user || !user.tenants.includes(session.tenant)) return undefined;
  const scopes: Scope[] = user.admin ? ['read', 'admin'] : ['read'];
  return { tenant: session.tenant, scopes, key: `user:${user.name}`, user: user.name };
}

function authenticate(tokens: TokenStore, request: FastifyRequest): Principal {
  const token = bearer(request);
  if (token) {
    const principal = tokens.authenticate(token);
    if (!principal) throw new BirdseyeError('BE_UNAUTHORIZED', 'unknown or revoked token');
    return principal;
  }
  const principal = sessionPrincipal(tokens, request);
  if (principal) return principal;
  throw new BirdseyeError(
    'BE_UNAUTHORIZED',
    cookie(request, SESSION_COOKIE)
      ? 'your session has expired; sign in again'
      : 'missing token: send "Authorization: Bearer <token>" (the admin token is in <data-dir>/admin-token) or sign in',
  );
}

/**
 * An onRequest hook: runs before the body is read, so an unauthenticated or rate-limited upload
 * costs nothing. A token wins over a session cookie when a request carries both.
 */
export function requireScope(tokens: TokenStore, scope: Scope) {
  return async function authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const principal = authenticate(tokens, request);
    if (!principal.scopes.includes(scope)) {
      throw new BirdseyeError(
        'BE_FORBIDDEN',
        `this ${principal.user ? 'user' : 'token'} may not ${scope}; use a token with the "${scope}" scope`,
      );
    }
    const waitMs = tokens.limiter?.take(principal.key ?? principal.tenant, principal.rate_per_s) ?? 0;
    if (waitMs > 0) {
      void reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new BirdseyeError(
        'BE_RATE_LIMITED',
        `too many requests from this ${principal.user ? 'user' : 'token'}; retry after ${Math.ceil(waitMs / 1000)} s`,
      );
    }
    request.principal = principal;
    return Promise.resolve();
  };
}

export function tenantOf(request: FastifyRequest): string {
  if (!request.principal) throw new BirdseyeError('BE_UNAUTHORIZED', 'not authenticated');
  return request.principal.tenant;
}

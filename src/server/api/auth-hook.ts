import type { FastifyRequest } from 'fastify';
import { BirdseyeError } from '../../core/errors.ts';
import type { Principal, Scope, TokenStore } from '../auth/token-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** An onRequest hook: runs before the body is read, so an unauthenticated upload costs nothing. */
export function requireScope(tokens: TokenStore, scope: Scope) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const token = bearer(request);
    if (!token) {
      throw new BirdseyeError(
        'BE_UNAUTHORIZED',
        'missing token: send "Authorization: Bearer <token>" (the admin token is in <data-dir>/admin-token)',
      );
    }
    const principal = tokens.authenticate(token);
    if (!principal) throw new BirdseyeError('BE_UNAUTHORIZED', 'unknown or revoked token');
    if (!principal.scopes.includes(scope)) {
      throw new BirdseyeError(
        'BE_FORBIDDEN',
        `this token may not ${scope}; use a token with the "${scope}" scope`,
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

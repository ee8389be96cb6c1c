import type { FastifyRequest } from 'fastify';

/**
 * The token of the compatible ingest endpoints, as the shippers that use them can send it:
 * `Authorization: Bearer <token>` (Prometheus `authorization`), `ApiKey <token>` (Beats), or
 * Basic auth (rsyslog `uid`/`pwd`, Beats `username`/`password`) with the token as the password,
 * or as the user name when the password is empty.
 */
export function headerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^(Bearer|ApiKey|Basic)\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  if (m[1]!.toLowerCase() !== 'basic') return m[2];
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password || user || undefined;
}

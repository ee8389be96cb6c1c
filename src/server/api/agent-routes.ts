import type { FastifyInstance } from 'fastify';
import type { AgentDirectory } from '../../config/etcd/registrations.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { requireScope, tenantOf } from './auth-hook.ts';

/**
 * GET /api/v1/agents: the nodes registered in etcd (the ones that should be reporting), each with
 * its gateway address and when it last reported. Without --etcd the list is empty and
 * `etcd: false` says why.
 */
export function agentRoutes(
  app: FastifyInstance,
  deps: { storage: StorageBackend; tokens: TokenStore; agents: AgentDirectory | undefined },
): void {
  app.get('/api/v1/agents', { onRequest: requireScope(deps.tokens, 'read') }, async (request) => {
    if (!deps.agents) return { etcd: false, agents: [] };
    const hosts = new Map((await deps.storage.hosts(tenantOf(request))).map((h) => [h.host, h]));
    return {
      etcd: true,
      agents: deps.agents.list().map((agent) => ({
        ...agent,
        last_seen: hosts.get(agent.host)?.last_seen ?? null,
      })),
    };
  });
}

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../version.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { requireScope } from './auth-hook.ts';

export interface StatusOptions {
  dataDir: string;
  storage: StorageBackend;
  tokens: TokenStore;
  startedTs: number;
}

/** Every file under `dir` with its size, largest first; a directory that does not exist is empty. */
async function filesUnder(dir: string): Promise<Array<{ path: string; bytes: number }>> {
  const out: Array<{ path: string; bytes: number }> = [];
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    try {
      out.push({ path: path.relative(dir, full), bytes: (await stat(full)).size });
    } catch {
      // Removed while we looked (a partition dropped by retention, a WAL checkpointed).
    }
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}

/**
 * `GET /api/v1/status`: the server's version, uptime and storage use on disk (server-wide, so it
 * needs an admin token).
 */
export function statusRoutes(app: FastifyInstance, options: StatusOptions): void {
  app.get('/api/v1/status', { onRequest: requireScope(options.tokens, 'admin') }, async () => {
    const serverDir = path.join(options.dataDir, 'server');
    const files = await filesUnder(serverDir);
    return {
      version: VERSION,
      uptime_seconds: Math.round((Date.now() - options.startedTs) / 1000),
      storage: {
        backend: options.storage.kind,
        directory: serverDir,
        bytes: files.reduce((sum, f) => sum + f.bytes, 0),
        files,
      },
    };
  });
}

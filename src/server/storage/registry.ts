import path from 'node:path';
import type { StorageBackend } from './backend.ts';
import { MemoryBackend } from './memory/memory-backend.ts';
import { SqliteBackend } from './sqlite/sqlite-backend.ts';

/** Every storage backend, listed by hand. `dataDir` is the server's own data directory. */
export const STORAGE_BACKENDS = {
  sqlite: (dataDir: string): StorageBackend => new SqliteBackend(path.join(dataDir, 'server')),
  memory: (_dataDir: string): StorageBackend => new MemoryBackend(),
} as const;

export type StorageBackendName = keyof typeof STORAGE_BACKENDS;

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteFile } from '../storage/sqlite/open-database.ts';

export type Scope = 'ingest' | 'read' | 'admin';

export interface Principal {
  readonly tenant: string;
  readonly scopes: readonly Scope[];
}

export const DEFAULT_TENANT = 'default';

function hash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Tokens as an operator can paste them: 32 random bytes, URL-safe. */
export function generateToken(): string {
  return `bes_${randomBytes(32).toString('base64url')}`;
}

/**
 * Tokens are stored only as SHA-256 hashes, so the store never holds a usable secret. Lookups are
 * by hash; the final comparison is constant-time.
 */
export class TokenStore {
  private readonly db: Database.Database;
  private closed = false;

  constructor(dir: string) {
    this.db = openSqliteFile(path.join(dir, 'auth.sqlite'));
    this.db.exec(`CREATE TABLE IF NOT EXISTS tokens (
      hash BLOB PRIMARY KEY, tenant TEXT NOT NULL, scopes TEXT NOT NULL, name TEXT NOT NULL, created_ts REAL NOT NULL)`);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n;
  }

  add(token: string, principal: Principal, name: string): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO tokens (hash, tenant, scopes, name, created_ts) VALUES (?, ?, ?, ?, ?)',
      )
      .run(hash(token), principal.tenant, principal.scopes.join(','), name, Date.now());
  }

  authenticate(token: string): Principal | undefined {
    const digest = hash(token);
    const row = this.db.prepare('SELECT hash, tenant, scopes FROM tokens WHERE hash = ?').get(digest) as
      { hash: Buffer; tenant: string; scopes: string } | undefined;
    if (!row || !timingSafeEqual(row.hash, digest)) return undefined;
    return { tenant: row.tenant, scopes: row.scopes.split(',') as Scope[] };
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
  }
}

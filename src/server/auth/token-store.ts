import { randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteFile } from '../storage/sqlite/open-database.ts';
import { sha256 } from './passwords.ts';
import type { RateLimiter } from './rate-limit.ts';
import { SessionStore } from './sessions.ts';
import { TenantStore } from './tenants.ts';
import { UserStore } from './users.ts';

export type Scope = 'ingest' | 'read' | 'admin';
export const SCOPES: readonly Scope[] = ['ingest', 'read', 'admin'];

export interface Principal {
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  /** Who is asking, for rate limits and audit: `token:<id>` or `user:<name>`. */
  readonly key?: string;
  /** Requests per second this principal may make; undefined means the server default. */
  readonly rate_per_s?: number;
  /** Set when the principal is a signed-in user (a UI session). */
  readonly user?: string;
}

export interface TokenInfo {
  readonly id: string;
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  readonly name: string;
  readonly created_ts: number;
  readonly rate_per_s: number | null;
}

export const DEFAULT_TENANT = 'default';

/** Tokens as an operator can paste them: 32 random bytes, URL-safe. */
export function generateToken(): string {
  return `bes_${randomBytes(32).toString('base64url')}`;
}

/** A token's public id: the start of its hash, enough to list and revoke it without the secret. */
function tokenId(digest: Buffer): string {
  return digest.subarray(0, 8).toString('hex');
}

interface TokenRow {
  hash: Buffer;
  tenant: string;
  scopes: string;
  name: string;
  created_ts: number;
  rate_per_s: number | null;
}

/**
 * The auth database (`<data-dir>/server/auth.sqlite`): tokens here, tenants, users and sessions in
 * the stores beside this file, all in one file so an admin action is one transaction.
 * Tokens are stored only as SHA-256 hashes, so the store never holds a usable secret. Lookups are
 * by hash; the final comparison is constant-time.
 */
export class TokenStore {
  readonly db: Database.Database;
  readonly tenants: TenantStore;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  /** Set by the server from `server.rate_limit`; the auth hook asks it before every request. */
  limiter: RateLimiter | undefined;
  private closed = false;

  constructor(dir: string) {
    this.db = openSqliteFile(path.join(dir, 'auth.sqlite'));
    this.db.exec(`CREATE TABLE IF NOT EXISTS tokens (
      hash BLOB PRIMARY KEY, tenant TEXT NOT NULL, scopes TEXT NOT NULL, name TEXT NOT NULL, created_ts REAL NOT NULL)`);
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(tokens)').all();
    if (!columns.some((c) => c.name === 'rate_per_s')) {
      this.db.exec('ALTER TABLE tokens ADD COLUMN rate_per_s REAL');
    }
    this.tenants = new TenantStore(this.db);
    this.users = new UserStore(this.db);
    this.sessions = new SessionStore(this.db);
    this.tenants.ensure(DEFAULT_TENANT);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n;
  }

  /** Registers a token (replacing one with the same secret); its tenant is created if new. */
  add(token: string, principal: Principal, name: string): string {
    const digest = sha256(token);
    this.tenants.ensure(principal.tenant);
    this.db
      .prepare(
        'INSERT OR REPLACE INTO tokens (hash, tenant, scopes, name, created_ts, rate_per_s) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        digest,
        principal.tenant,
        principal.scopes.join(','),
        name,
        Date.now(),
        principal.rate_per_s ?? null,
      );
    return tokenId(digest);
  }

  authenticate(token: string): Principal | undefined {
    const digest = sha256(token);
    const row = this.db.prepare('SELECT * FROM tokens WHERE hash = ?').get(digest) as TokenRow | undefined;
    if (!row || !timingSafeEqual(row.hash, digest)) return undefined;
    return {
      tenant: row.tenant,
      scopes: row.scopes.split(',') as Scope[],
      key: `token:${tokenId(digest)}`,
      ...(row.rate_per_s === null ? {} : { rate_per_s: row.rate_per_s }),
    };
  }

  list(tenant?: string): TokenInfo[] {
    const rows = (
      tenant === undefined
        ? this.db.prepare('SELECT * FROM tokens ORDER BY created_ts').all()
        : this.db.prepare('SELECT * FROM tokens WHERE tenant = ? ORDER BY created_ts').all(tenant)
    ) as TokenRow[];
    return rows.map((r) => ({
      id: tokenId(r.hash),
      tenant: r.tenant,
      scopes: r.scopes.split(',') as Scope[],
      name: r.name,
      created_ts: r.created_ts,
      rate_per_s: r.rate_per_s,
    }));
  }

  /** Revokes the token with this public id; false when there is none. */
  revoke(id: string): boolean {
    if (!/^[0-9a-f]{16}$/.test(id)) return false;
    return (
      this.db.prepare('DELETE FROM tokens WHERE substr(hash, 1, 8) = ?').run(Buffer.from(id, 'hex')).changes >
      0
    );
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
  }
}

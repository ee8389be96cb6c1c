import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { sha256 } from './passwords.ts';

export interface Session {
  readonly user: string;
  /** The tenant the UI shows; switched with POST /api/v1/auth/tenant. */
  readonly tenant: string;
  readonly expires_ts: number;
}

/**
 * UI sessions: a random id in an HTTP-only cookie, stored here only as its SHA-256 hash (like
 * tokens), with a fixed lifetime from sign-in. Expired rows are removed when new ones are made.
 */
export class SessionStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS sessions (
      hash BLOB PRIMARY KEY, user TEXT NOT NULL, tenant TEXT NOT NULL,
      created_ts REAL NOT NULL, expires_ts REAL NOT NULL)`);
  }

  create(user: string, tenant: string, ttlMs: number, now = Date.now()): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url');
    this.db.prepare('DELETE FROM sessions WHERE expires_ts <= ?').run(now);
    this.db
      .prepare('INSERT INTO sessions (hash, user, tenant, created_ts, expires_ts) VALUES (?, ?, ?, ?, ?)')
      .run(sha256(id), user, tenant, now, now + ttlMs);
    return { id, session: { user, tenant, expires_ts: now + ttlMs } };
  }

  get(id: string, now = Date.now()): Session | undefined {
    const row = this.db
      .prepare('SELECT user, tenant, expires_ts FROM sessions WHERE hash = ?')
      .get(sha256(id)) as Session | undefined;
    return row && row.expires_ts > now ? row : undefined;
  }

  switchTenant(id: string, tenant: string): void {
    this.db.prepare('UPDATE sessions SET tenant = ? WHERE hash = ?').run(tenant, sha256(id));
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE hash = ?').run(sha256(id));
  }

  /** Signs a user out everywhere, e.g. when the user is deleted. */
  removeUser(user: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user = ?').run(user);
  }
}

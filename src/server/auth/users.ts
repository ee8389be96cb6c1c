import type Database from 'better-sqlite3';
import { BirdseyeError } from '../../core/errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface User {
  readonly name: string;
  /** Server administrators may use the admin API; every user reads only the tenants listed. */
  readonly admin: boolean;
  readonly tenants: string[];
  readonly created_ts: number;
}

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
export const MIN_PASSWORD_LENGTH = 10;

/** A stand-in hash so a login with an unknown user name costs as long as one with a wrong password. */
const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Users who sign in to the UI with a password, and the tenants each may read. */
export class UserStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS users (
      name TEXT PRIMARY KEY, password TEXT NOT NULL, admin INTEGER NOT NULL, created_ts REAL NOT NULL);
    CREATE TABLE IF NOT EXISTS memberships (
      user TEXT NOT NULL, tenant TEXT NOT NULL, PRIMARY KEY (user, tenant)) WITHOUT ROWID;`);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /** Creates or replaces a user; `tenants` must exist (the caller checks). */
  async put(name: string, password: string, admin: boolean, tenants: readonly string[]): Promise<User> {
    if (!USER_NAME.test(name)) {
      throw new BirdseyeError(
        'BE_BODY_INVALID',
        `user name "${name}" is not valid: use up to 128 letters, digits, ".", "_", "@" or "-"`,
      );
    }
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new BirdseyeError('BE_BODY_INVALID', `password: use at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const hash = await hashPassword(password);
    const created = Date.now();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO users (name, password, admin, created_ts) VALUES (?, ?, ?, ?)')
        .run(name, hash, admin ? 1 : 0, created);
      this.db.prepare('DELETE FROM memberships WHERE user = ?').run(name);
      const add = this.db.prepare('INSERT OR IGNORE INTO memberships (user, tenant) VALUES (?, ?)');
      for (const tenant of tenants) add.run(name, tenant);
    })();
    return { name, admin, tenants: [...new Set(tenants)].sort(), created_ts: created };
  }

  get(name: string): User | undefined {
    const row = this.db.prepare('SELECT name, admin, created_ts FROM users WHERE name = ?').get(name) as
      { name: string; admin: number; created_ts: number } | undefined;
    if (!row) return undefined;
    const tenants = (
      this.db.prepare('SELECT tenant FROM memberships WHERE user = ? ORDER BY tenant').all(name) as Array<{
        tenant: string;
      }>
    ).map((r) => r.tenant);
    return { name: row.name, admin: row.admin === 1, tenants, created_ts: row.created_ts };
  }

  list(): User[] {
    const names = this.db.prepare('SELECT name FROM users ORDER BY name').all() as Array<{ name: string }>;
    return names.map((r) => this.get(r.name)!);
  }

  remove(name: string): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM memberships WHERE user = ?').run(name);
      return this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes > 0;
    })();
  }

  /** The user when the password is right, otherwise undefined (same time either way). */
  async verify(name: string, password: string): Promise<User | undefined> {
    const row = this.db.prepare('SELECT password FROM users WHERE name = ?').get(name) as
      { password: string } | undefined;
    const ok = await verifyPassword(password, row?.password ?? DECOY_HASH);
    return ok && row ? this.get(name) : undefined;
  }
}

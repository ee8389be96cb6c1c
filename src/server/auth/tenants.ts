import type Database from 'better-sqlite3';
import { BirdseyeError } from '../../core/errors.ts';

/** Days each signal is kept; null means the server's `retention_days`. */
export interface TenantRetention {
  readonly logs_days: number | null;
  readonly events_days: number | null;
  readonly metrics_days: number | null;
}

export interface Tenant extends TenantRetention {
  readonly name: string;
  readonly created_ts: number;
}

/** Names that are safe in URLs, file names and labels, and short enough to show. */
const TENANT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function checkTenantName(name: string): string {
  if (!TENANT_NAME.test(name)) {
    throw new BirdseyeError(
      'BE_BODY_INVALID',
      `tenant name "${name}" is not valid: use 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
  return name;
}

/** Tenants (apps): a name and how long each of its signals is kept. */
export class TenantStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS tenants (
      name TEXT PRIMARY KEY, created_ts REAL NOT NULL,
      logs_days INTEGER, events_days INTEGER, metrics_days INTEGER)`);
  }

  /** Creates the tenant if it does not exist yet; true when it was created. */
  ensure(name: string): boolean {
    return (
      this.db.prepare('INSERT OR IGNORE INTO tenants (name, created_ts) VALUES (?, ?)').run(name, Date.now())
        .changes > 0
    );
  }

  get(name: string): Tenant | undefined {
    return this.db.prepare('SELECT * FROM tenants WHERE name = ?').get(name) as Tenant | undefined;
  }

  list(): Tenant[] {
    return this.db.prepare('SELECT * FROM tenants ORDER BY name').all() as Tenant[];
  }

  setRetention(name: string, retention: Partial<TenantRetention>): Tenant {
    const current = this.get(name);
    if (!current) throw new BirdseyeError('BE_NOT_FOUND', `no tenant "${name}"; create it first`);
    const next = { ...current, ...retention };
    this.db
      .prepare('UPDATE tenants SET logs_days = ?, events_days = ?, metrics_days = ? WHERE name = ?')
      .run(next.logs_days, next.events_days, next.metrics_days, name);
    return next;
  }
}

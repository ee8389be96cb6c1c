import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Matcher } from '../model.ts';

export interface Silence {
  readonly id: string;
  readonly tenant: string;
  readonly matchers: readonly Matcher[];
  readonly starts_at: number;
  readonly ends_at: number;
  readonly created_by: string;
  readonly comment: string;
  readonly created_at: number;
}

/** What a channel was last told about a group: the dedup stage compares against it. */
export interface NotifyEntry {
  readonly firing: readonly string[];
  readonly resolved: readonly string[];
  readonly sent_at: number;
}

interface SilenceRow extends Omit<Silence, 'matchers'> {
  matchers: string;
}

/** Silences and the notification log, in the alert database. */
export class PipelineStore {
  constructor(private readonly db: Database.Database) {}

  addSilence(input: Omit<Silence, 'id' | 'created_at'>, now = Date.now()): Silence {
    const silence: Silence = { ...input, id: randomUUID(), created_at: now };
    this.db
      .prepare(
        `INSERT INTO silences (id, tenant, matchers, starts_at, ends_at, created_by, comment, created_at)
         VALUES (@id, @tenant, @matchers, @starts_at, @ends_at, @created_by, @comment, @created_at)`,
      )
      .run({ ...silence, matchers: JSON.stringify(silence.matchers) });
    return silence;
  }

  /** Ends a silence now; it stays listed as expired. Returns false for an unknown id. */
  expireSilence(tenant: string, id: string, now = Date.now()): boolean {
    const result = this.db
      .prepare('UPDATE silences SET ends_at = min(ends_at, ?) WHERE tenant = ? AND id = ?')
      .run(now, tenant, id);
    return result.changes > 0;
  }

  silences(tenant?: string): Silence[] {
    const rows = (
      tenant === undefined
        ? this.db.prepare('SELECT * FROM silences ORDER BY created_at').all()
        : this.db.prepare('SELECT * FROM silences WHERE tenant = ? ORDER BY created_at').all(tenant)
    ) as SilenceRow[];
    return rows.map((r) => ({ ...r, matchers: JSON.parse(r.matchers) as Matcher[] }));
  }

  lastSent(groupKey: string, channel: string): NotifyEntry | undefined {
    const row = this.db
      .prepare('SELECT firing, resolved, sent_at FROM nflog WHERE group_key = ? AND channel = ?')
      .get(groupKey, channel) as { firing: string; resolved: string; sent_at: number } | undefined;
    if (!row) return undefined;
    return {
      firing: JSON.parse(row.firing) as string[],
      resolved: JSON.parse(row.resolved) as string[],
      sent_at: row.sent_at,
    };
  }

  markSent(groupKey: string, channel: string, entry: NotifyEntry): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO nflog (group_key, channel, firing, resolved, sent_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(groupKey, channel, JSON.stringify(entry.firing), JSON.stringify(entry.resolved), entry.sent_at);
  }
}

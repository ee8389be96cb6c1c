import type Database from 'better-sqlite3';
import type { Alert, AlertContext, AlertState } from '../model.ts';

interface AlertRow {
  fingerprint: string;
  tenant: string;
  rule_id: string;
  labels: string;
  summary: string;
  state: AlertState;
  value: number;
  active_since: number;
  fired_at: number | null;
  resolved_at: number | null;
  updated_at: number;
  context: string | null;
}

export interface HistoryEntry {
  readonly ts: number;
  readonly tenant: string;
  /** pending, firing, resolved (state changes) or notification (a delivery attempt). */
  readonly kind: string;
  readonly fingerprint?: string | null;
  readonly rule_id?: string | null;
  readonly alertname?: string | null;
  readonly channel?: string | null;
  /** For notifications: delivered, retrying, failed, gave_up. */
  readonly outcome?: string | null;
  readonly attempt?: number | null;
  readonly detail?: string | null;
}

const toAlert = ({ context, ...row }: AlertRow): Alert => ({
  ...row,
  labels: JSON.parse(row.labels) as Record<string, string>,
  ...(context ? { context: JSON.parse(context) as AlertContext } : {}),
});

/** Alerts and their history, in the alert database. Every write is one statement, so it is atomic. */
export class AlertStore {
  constructor(private readonly db: Database.Database) {}

  /** Pending and firing alerts: what the engine picks up after a restart. */
  active(): Alert[] {
    return (this.db.prepare("SELECT * FROM alerts WHERE state != 'resolved'").all() as AlertRow[]).map(
      toAlert,
    );
  }

  list(tenant: string, states: readonly AlertState[], limit = 1000): Alert[] {
    const marks = states.map(() => '?').join(',');
    const rows = this.db
      .prepare(
        `SELECT * FROM alerts WHERE tenant = ? AND state IN (${marks}) ORDER BY updated_at DESC LIMIT ?`,
      )
      .all(tenant, ...states, limit) as AlertRow[];
    return rows.map(toAlert);
  }

  save(alert: Alert): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO alerts (fingerprint, tenant, rule_id, labels, summary, state, value,
           active_since, fired_at, resolved_at, updated_at, context)
         VALUES (@fingerprint, @tenant, @rule_id, @labels, @summary, @state, @value, @active_since,
           @fired_at, @resolved_at, @updated_at, @context)`,
      )
      .run({
        ...alert,
        labels: JSON.stringify(alert.labels),
        context: alert.context ? JSON.stringify(alert.context) : null,
      });
  }

  /** A pending alert whose condition cleared never fired; it leaves no row behind. */
  delete(fingerprint: string): void {
    this.db.prepare('DELETE FROM alerts WHERE fingerprint = ?').run(fingerprint);
  }

  record(entry: HistoryEntry): void {
    this.db
      .prepare(
        `INSERT INTO history (ts, tenant, kind, fingerprint, rule_id, alertname, channel, outcome, attempt, detail)
         VALUES (@ts, @tenant, @kind, @fingerprint, @rule_id, @alertname, @channel, @outcome, @attempt, @detail)`,
      )
      .run({
        fingerprint: null,
        rule_id: null,
        alertname: null,
        channel: null,
        outcome: null,
        attempt: null,
        detail: null,
        ...entry,
      });
  }

  /** Newest first. */
  history(
    tenant: string,
    q: { from: number; to: number; limit: number; fingerprint?: string | undefined },
  ): HistoryEntry[] {
    const byAlert = q.fingerprint === undefined ? '' : 'AND fingerprint = @fingerprint';
    return this.db
      .prepare(
        `SELECT ts, tenant, kind, fingerprint, rule_id, alertname, channel, outcome, attempt, detail FROM history
         WHERE tenant = @tenant AND ts >= @from AND ts <= @to ${byAlert} ORDER BY ts DESC, id DESC LIMIT @limit`,
      )
      .all({ tenant, ...q }) as HistoryEntry[];
  }

  prune(cutoff: number): void {
    this.db.prepare("DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < ?").run(cutoff);
    this.db.prepare('DELETE FROM history WHERE ts < ?').run(cutoff);
    this.db.prepare('DELETE FROM silences WHERE ends_at < ?').run(cutoff);
  }
}

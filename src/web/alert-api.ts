/** The alerting API (docs/alerting.md) as the Alerts and Overview pages read it. */
import { ApiError, type Api } from './api.ts';

export interface Alert {
  fingerprint: string;
  rule_id: string;
  labels: Record<string, string>;
  summary: string;
  state: 'pending' | 'firing' | 'resolved';
  value: number;
  active_since: number;
  fired_at: number | null;
  resolved_at: number | null;
  updated_at: number;
}

export interface HistoryEntry {
  ts: number;
  kind: string;
  fingerprint?: string | null;
  rule_id?: string | null;
  alertname?: string | null;
  channel?: string | null;
  outcome?: string | null;
  detail?: string | null;
}

export interface Silence {
  id: string;
  matchers: Array<{ label: string; op: string; value: string }>;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  status: 'active' | 'pending' | 'expired';
}

export type Rule = Record<string, unknown> & { id: string; type: string; name?: string; severity: string };

export interface PreviewFiring {
  fingerprint: string;
  labels: Record<string, string>;
  summary: string;
  fired_at: number;
  resolved_at: number | null;
  max_value: number;
}

export interface Preview {
  from: number;
  to: number;
  step_ms: number;
  points: Array<[number, number, number]>;
  firings: PreviewFiring[];
  errors: number;
  first_error: string | null;
  note: string | null;
}

/** A stretch the anomaly detector flagged (GET /api/v1/anomalies), even when no rule alerted. */
export interface Anomaly {
  rule_id: string;
  metric: string;
  labels: Record<string, string>;
  host: string | null;
  container: string | null;
  /** UTC ms. */
  start: number;
  end: number;
  /** The largest score in the stretch (1 = on the bound). */
  score: number;
  value: number;
  baseline: number;
}

export async function alerts(api: Api, states = 'pending,firing'): Promise<Alert[]> {
  return (await api.get<{ alerts: Alert[] }>('/api/v1/alerts', { state: states })).alerts;
}

export async function alertHistory(api: Api, from = 'now-24h'): Promise<HistoryEntry[]> {
  return (await api.get<{ history: HistoryEntry[] }>('/api/v1/alerts/history', { from, limit: '500' }))
    .history;
}

export async function rules(api: Api): Promise<Rule[]> {
  return (await api.get<{ rules: Rule[] }>('/api/v1/alerts/rules')).rules;
}

export async function channels(api: Api): Promise<Array<{ name: string; type: string }>> {
  return (await api.get<{ channels: Array<{ name: string; type: string }> }>('/api/v1/alerts/channels'))
    .channels;
}

export function testChannel(api: Api, name: string): Promise<{ outcome: string; reason?: string }> {
  return api.send('POST', `/api/v1/alerts/channels/${encodeURIComponent(name)}/test`, {});
}

export async function silences(api: Api): Promise<Silence[]> {
  return (await api.get<{ silences: Silence[] }>('/api/v1/alerts/silences')).silences;
}

export function addSilence(
  api: Api,
  silence: { matchers?: string[]; fingerprint?: string; duration_ms: number; comment: string },
): Promise<{ silence: Silence }> {
  return api.send('POST', '/api/v1/alerts/silences', { ...silence, created_by: 'web' });
}

export function expireSilence(api: Api, id: string): Promise<unknown> {
  return api.send('DELETE', `/api/v1/alerts/silences/${encodeURIComponent(id)}`);
}

export function previewRule(api: Api, rule: unknown): Promise<Preview> {
  return api.send('POST', '/api/v1/alerts/rules/preview', { rule });
}

/**
 * Anomalies, where the server has the endpoint (a newer server part); a 404 means this server
 * has none, which is not an error on the page.
 */
export async function anomalies(
  api: Api,
  from: string,
  to: string,
  scope: { host?: string; container?: string } = {},
): Promise<Anomaly[] | undefined> {
  try {
    const body = await api.get<{ anomalies?: Anomaly[] }>('/api/v1/anomalies', { from, to, ...scope });
    return Array.isArray(body.anomalies) ? body.anomalies : [];
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

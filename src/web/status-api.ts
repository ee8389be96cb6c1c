/** What the Status page reads: GET /api/v1/agents and GET /api/v1/status (docs/api.md). */
import type { Api } from './api.ts';

export interface AgentRow {
  host: string;
  agent_id: string;
  version: string | null;
  first_seen: number;
  last_seen: number;
  status: 'up' | 'stale';
  reports_stats: boolean;
  uptime_seconds: number | null;
  lines_per_second: number | null;
  events_per_second: number | null;
  backlog_bytes: number | null;
  backlog_entries: number | null;
  oldest_age_seconds: number | null;
  errors_total: number | null;
  dropped_total: number | null;
}

export interface ServerStatus {
  version: string;
  uptime_seconds: number;
  storage: {
    backend: string;
    directory: string;
    bytes: number;
    files: Array<{ path: string; bytes: number }>;
  };
}

export async function agents(api: Api): Promise<AgentRow[]> {
  return (await api.get<{ agents: AgentRow[] }>('/api/v1/agents')).agents;
}

export function serverStatus(api: Api): Promise<ServerStatus> {
  return api.get<ServerStatus>('/api/v1/status');
}

/** 0.4 → "0.4", 12.34 → "12", 1234 → "1,234"; null (not reported) → "–". */
export function formatRate(value: number | null): string {
  if (value === null) return '–';
  if (value > 0 && value < 10) return value.toFixed(1);
  return Math.round(value).toLocaleString('en');
}

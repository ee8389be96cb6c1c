/** GET /api/v1/overview (src/server/api/overview.ts, docs/api.md): the Overview's data in one answer. */
import type { Anomaly } from './alert-api.ts';
import { withParams, type Api, type Host } from './api.ts';
import type { ClusterEvent, Histogram } from './log-api.ts';
import { takePrefetched } from './prefetch.ts';
import type { TimeRange } from './time-range.ts';

export interface OverviewHost extends Host {
  cpu_percent: number | null;
  /** Fractions 0–1; disk is the fullest filesystem. */
  memory_used_ratio: number | null;
  disk_used_ratio: number | null;
  alerts_firing: Array<{ alertname: string; severity: string }>;
}

export interface TopContainer {
  host: string;
  name: string;
  image: string | null;
  cpu_percent: number | null;
  memory_bytes: number | null;
  /** null: no limit. */
  memory_limit_bytes: number | null;
}

export interface Overview {
  from: number;
  to: number;
  /** The server's clock when it answered. */
  now: number;
  counts: {
    hosts: number;
    hosts_up: number;
    containers: number;
    containers_running: number;
    containers_stopped: number;
    alerts_firing: number;
  };
  hosts: OverviewHost[];
  top_containers: { cpu: TopContainer[]; memory: TopContainer[] };
  log_volume: Histogram;
  events: ClusterEvent[];
  anomalies: Anomaly[];
}

/** The first call of a page load may be answered by the request index.html started early. */
export async function overview(api: Api, range: TimeRange, top: number, recent: number): Promise<Overview> {
  const params = { from: range.from, to: range.to, top: String(top), recent: String(recent) };
  const early = await takePrefetched<Overview>(withParams('/api/v1/overview', params));
  return early ?? api.get<Overview>('/api/v1/overview', params);
}

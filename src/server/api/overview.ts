/**
 * What the Overview page draws first, computed in one pass: hosts with the inputs of their health
 * (newest CPU, memory and fullest disk, firing alerts, last seen), the counts, the busiest
 * containers, log volume by severity, recent events and anomalies. Five storage reads in all —
 * one `latestSamples` for every figure of every host and container, the host and container
 * inventories, one histogram, one page of events — where the page used to make fifteen requests.
 */
import type { AnomalyMark } from '../alerting/anomaly/marks.ts';
import type { AlertEngine } from '../alerting/engine.ts';
import { EVENT_FIELDS } from '../query/log-fields.ts';
import { MATCH_ALL, parseLogQuery } from '../query/log-query.ts';
import type { HostInfo, LatestSample, StorageBackend, StoredEvent } from '../storage/backend.ts';
import { defaultInterval, fillBuckets } from './log-routes.ts';
import { STALE_AFTER_MS } from './query-routes.ts';

/** Figures older than this are not "current": a host or container that stopped reporting shows none. */
export const LATEST_WINDOW_MS = 180_000;

const HOST_METRICS = [
  'node_cpu_usage_percent',
  'node_memory_MemAvailable_bytes',
  'node_memory_MemTotal_bytes',
  'node_filesystem_avail_bytes',
  'node_filesystem_size_bytes',
] as const;
const CONTAINER_METRICS = [
  'container_cpu_usage_percent',
  'container_memory_working_set_bytes',
  'container_spec_memory_limit_bytes',
  'container_state',
] as const;

export interface OverviewHost extends HostInfo {
  readonly status: 'up' | 'stale';
  readonly cpu_percent: number | null;
  /** Fractions 0–1; disk is the fullest filesystem. */
  readonly memory_used_ratio: number | null;
  readonly disk_used_ratio: number | null;
  readonly alerts_firing: Array<{ alertname: string; severity: string }>;
}

export interface OverviewContainer {
  readonly host: string;
  readonly name: string;
  readonly image: string | null;
  readonly cpu_percent: number | null;
  readonly memory_bytes: number | null;
  /** null: no limit. */
  readonly memory_limit_bytes: number | null;
}

export interface OverviewRequest {
  readonly from: number;
  readonly to: number;
  readonly now: number;
  /** Rows in each top-containers list, and recent events and anomalies given. */
  readonly top: number;
  readonly recent: number;
}

interface ContainerState {
  host: string;
  name: string;
  image: string | null;
  /** From the last lifecycle event; null before any. */
  state: string | null;
  cpu?: number;
  memory?: number;
  limit?: number;
  running?: number;
}

const containerKey = (host: string, name: string): string => `${host}\u0000${name}`;

function hostsWithFigures(
  hosts: HostInfo[],
  latest: LatestSample[],
  firing: ReturnType<AlertEngine['alerts']>,
  now: number,
): OverviewHost[] {
  const values = new Map<string, { cpu?: number; avail?: number; total?: number; disk?: number }>();
  const fs = new Map<string, { avail?: number; size?: number; host: string }>();
  for (const s of latest) {
    const host = s.labels.host;
    if (host === undefined || !s.name.startsWith('node_')) continue;
    const v = values.get(host) ?? {};
    values.set(host, v);
    if (s.name === 'node_cpu_usage_percent') v.cpu = s.value;
    else if (s.name === 'node_memory_MemAvailable_bytes') v.avail = s.value;
    else if (s.name === 'node_memory_MemTotal_bytes') v.total = s.value;
    else {
      const key = `${host}\u0000${s.labels.mountpoint ?? ''}\u0000${s.labels.device ?? ''}`;
      const f = fs.get(key) ?? { host };
      fs.set(key, f);
      if (s.name === 'node_filesystem_avail_bytes') f.avail = s.value;
      else f.size = s.value;
    }
  }
  for (const f of fs.values()) {
    if (f.avail === undefined || !f.size) continue;
    const v = values.get(f.host)!;
    v.disk = Math.max(v.disk ?? 0, 1 - f.avail / f.size);
  }
  return hosts.map((h) => {
    const v = values.get(h.host);
    return {
      ...h,
      status: now - h.last_seen <= STALE_AFTER_MS ? 'up' : 'stale',
      cpu_percent: v?.cpu ?? null,
      memory_used_ratio: v?.avail !== undefined && v.total ? 1 - v.avail / v.total : null,
      disk_used_ratio: v?.disk ?? null,
      alerts_firing: firing
        .filter((a) => a.labels.host === h.host)
        .map((a) => ({
          alertname: a.labels.alertname ?? a.rule_id,
          severity: a.labels.severity ?? 'warning',
        })),
    };
  });
}

/**
 * Every container of the inventory (seen in logs and events) and every one only the metrics know
 * of (quiet since the agent started), with its newest figures.
 */
function containersWithFigures(
  inventory: Awaited<ReturnType<StorageBackend['containers']>>,
  latest: LatestSample[],
): ContainerState[] {
  const all = new Map<string, ContainerState>();
  for (const c of inventory) all.set(containerKey(c.host, c.name), { ...c });
  for (const s of latest) {
    const { host, name } = s.labels;
    if (host === undefined || name === undefined || !s.name.startsWith('container_')) continue;
    const key = containerKey(host, name);
    let c = all.get(key);
    if (!c) all.set(key, (c = { host, name, image: s.labels.image ?? null, state: null }));
    if (s.name === 'container_cpu_usage_percent') c.cpu = s.value;
    else if (s.name === 'container_memory_working_set_bytes') c.memory = s.value;
    else if (s.name === 'container_spec_memory_limit_bytes') c.limit = s.value;
    else c.running = s.value;
  }
  return [...all.values()];
}

/** The last lifecycle event is exact; the state metric covers containers without one. */
function isRunning(c: ContainerState): boolean {
  return c.state !== null ? c.state === 'running' : (c.running ?? 0) >= 0.5;
}

function top(running: ContainerState[], by: (c: ContainerState) => number | undefined, n: number) {
  return running
    .filter((c) => by(c) !== undefined)
    .sort((a, b) => by(b)! - by(a)!)
    .slice(0, n)
    .map((c): OverviewContainer => ({
      host: c.host,
      name: c.name,
      image: c.image,
      cpu_percent: c.cpu ?? null,
      memory_bytes: c.memory ?? null,
      memory_limit_bytes: c.limit ? c.limit : null,
    }));
}

export async function buildOverview(
  storage: StorageBackend,
  alerting: AlertEngine,
  tenant: string,
  request: OverviewRequest,
  timing: (name: string, ms: number) => void = () => undefined,
) {
  const { from, to, now } = request;
  const timed = async <T>(name: string, read: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const result = await read();
    timing(name, performance.now() - started);
    return result;
  };
  const latest = await timed('latest', () =>
    storage.latestSamples(tenant, [...HOST_METRICS, ...CONTAINER_METRICS], now - LATEST_WINDOW_MS),
  );
  const hostRows = await timed('hosts', () => storage.hosts(tenant));
  const inventory = await timed('containers', () => storage.containers(tenant));
  const interval_ms = defaultInterval(from, to);
  const counts = await timed('histogram', () =>
    storage.logHistogram(tenant, { query: MATCH_ALL, from, to, interval_ms }),
  );
  const events: StoredEvent[] = (
    await timed('events', () =>
      storage.searchEvents(tenant, {
        query: parseLogQuery('', EVENT_FIELDS),
        from,
        to,
        limit: request.recent,
      }),
    )
  ).records;
  const firing = await timed('alerts', () => alerting.alerts(tenant, ['firing']));
  const anomalies: AnomalyMark[] = await timed('anomalies', () =>
    alerting.anomalies(tenant, { from, to, limit: request.recent }),
  );

  const hosts = hostsWithFigures(hostRows, latest, firing, now);
  const containers = containersWithFigures(inventory, latest);
  const running = containers.filter(isRunning);
  return {
    from,
    to,
    now,
    counts: {
      hosts: hosts.length,
      hosts_up: hosts.filter((h) => h.status === 'up').length,
      containers: containers.length,
      containers_running: running.length,
      containers_stopped: containers.length - running.length,
      alerts_firing: firing.length,
    },
    hosts,
    top_containers: {
      cpu: top(running, (c) => c.cpu, request.top),
      memory: top(running, (c) => c.memory, request.top),
    },
    log_volume: { from, to, interval_ms, buckets: fillBuckets(counts, from, to, interval_ms) },
    events,
    anomalies,
  };
}

export type Overview = Awaited<ReturnType<typeof buildOverview>>;

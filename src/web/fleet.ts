/**
 * The latest state of every container, from a handful of metric queries over the last few minutes
 * (one point per series), for the container list; a host's health for the Overview. Pure helpers
 * (health, joins) are exported for tests.
 */
import type { Api, QueryResult } from './api.ts';

/** Latest values only: a few minutes, one bucket per minute. */
const LATEST_FROM = 'now-3m';
const LATEST_STEP = '60s';

export interface ContainerInfo {
  host: string;
  name: string;
  id: string | null;
  image: string | null;
  state: string | null;
  last_action: string | null;
  first_seen: number;
  last_seen: number;
}

export interface ContainerFigures {
  image?: string;
  id?: string;
  cpu?: number;
  memory?: number;
  /** 0 or undefined: no limit. */
  limit?: number;
  running?: boolean;
  restarts?: number;
  exitCode?: number;
}

export interface HostFigures {
  cpu?: number;
  /** Fractions 0–1. */
  memory?: number;
  /** The fullest filesystem. */
  disk?: number;
}

export function containerKey(host: string, name: string): string {
  return `${host}\u0000${name}`;
}

/** The newest value of each series, keyed by `key(labels)`. */
export function latestBy(
  result: QueryResult,
  key: (labels: Record<string, string>) => string | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const series of result.series) {
    const k = key(series.labels);
    const last = series.points.at(-1);
    if (k !== undefined && last) out.set(k, last[1]);
  }
  return out;
}

const byContainer = (labels: Record<string, string>): string | undefined =>
  labels.host !== undefined && labels.name !== undefined ? containerKey(labels.host, labels.name) : undefined;

/** The latest figures of every container (the Containers page; the Overview has its own endpoint). */
export async function containerFigures(api: Api): Promise<Map<string, ContainerFigures>> {
  const q = (query: string): Promise<QueryResult> =>
    api.get<QueryResult>('/api/v1/metrics/query', { query, from: LATEST_FROM, to: 'now', step: LATEST_STEP });
  const names = [
    'container_cpu_usage_percent',
    'container_memory_working_set_bytes',
    'container_spec_memory_limit_bytes',
    'container_state',
    'container_restarts_total',
    'container_last_exit_code',
  ];
  const results = await Promise.all(names.map(q));
  const out = new Map<string, ContainerFigures>();
  const fields: Array<(f: ContainerFigures, v: number) => void> = [
    (f, v) => (f.cpu = v),
    (f, v) => (f.memory = v),
    (f, v) => (f.limit = v),
    (f, v) => (f.running = v >= 0.5),
    (f, v) => (f.restarts = v),
    (f, v) => (f.exitCode = v),
  ];
  results.forEach((result, i) => {
    for (const [key, value] of latestBy(result, byContainer)) {
      let figures = out.get(key);
      if (!figures) out.set(key, (figures = {}));
      fields[i]!(figures, value);
    }
  });
  // Image and id from the state series' labels, for containers that have not logged yet.
  for (const series of results[3]!.series) {
    const key = byContainer(series.labels);
    const figures = key === undefined ? undefined : out.get(key);
    if (!figures) continue;
    if (series.labels.image) figures.image = series.labels.image;
    if (series.labels.id) figures.id = series.labels.id;
  }
  return out;
}

/**
 * The inventory (containers seen in logs and events) plus those only the metrics know of, e.g. a
 * quiet container that has neither logged nor changed state since the agent started.
 */
export function mergeInventory(
  inventory: ContainerInfo[],
  figures: Map<string, ContainerFigures>,
): ContainerInfo[] {
  const known = new Set(inventory.map((c) => containerKey(c.host, c.name)));
  const out = [...inventory];
  for (const [key, f] of figures) {
    if (known.has(key)) continue;
    const [host, name] = key.split('\u0000') as [string, string];
    out.push({
      host,
      name,
      id: f.id ?? null,
      image: f.image ?? null,
      state: f.running === undefined ? null : f.running ? 'running' : 'exited',
      last_action: null,
      first_seen: 0,
      last_seen: 0,
    });
  }
  return out;
}

export async function listContainers(api: Api): Promise<ContainerInfo[]> {
  return (await api.get<{ containers: ContainerInfo[] }>('/api/v1/containers')).containers;
}

/**
 * The state the last Docker event left the container in, when there was one: exact, where the
 * state metric is an average over the last minute's reports. The metric covers containers that
 * had no event since the agent started.
 */
export function isRunning(info: ContainerInfo, figures: ContainerFigures | undefined): boolean {
  if (info.state !== null) return info.state === 'running';
  return figures?.running ?? false;
}

export type Health = 'ok' | 'warn' | 'bad' | 'stale';

export interface HealthInput {
  up: boolean;
  figures: HostFigures | undefined;
  /** Severities of the alerts firing for this host. */
  alerts: string[];
}

/** A host's tile colour: stale when it stopped reporting, else the worst of its alerts and figures. */
export function hostHealth({ up, figures, alerts }: HealthInput): { health: Health; reasons: string[] } {
  if (!up) return { health: 'stale', reasons: ['not reporting'] };
  const reasons: string[] = [];
  let health: Health = 'ok';
  const raise = (level: 'warn' | 'bad', reason: string): void => {
    reasons.push(reason);
    if (level === 'bad' || health === 'ok') health = level;
  };
  if (alerts.includes('critical')) raise('bad', 'critical alert firing');
  else if (alerts.length > 0) raise('warn', `${alerts.length} alert${alerts.length > 1 ? 's' : ''} firing`);
  const check = (value: number | undefined, warn: number, bad: number, what: string): void => {
    if (value === undefined) return;
    if (value >= bad) raise('bad', `${what} ${Math.round(value * 100)} %`);
    else if (value >= warn) raise('warn', `${what} ${Math.round(value * 100)} %`);
  };
  check(figures?.cpu === undefined ? undefined : figures.cpu / 100, 0.75, 0.9, 'CPU');
  check(figures?.memory, 0.8, 0.92, 'memory');
  check(figures?.disk, 0.8, 0.9, 'disk');
  return { health, reasons };
}

/**
 * A realistic fleet for the UI benchmark and the screenshots: hosts and containers with the
 * metrics an agent reports (node_* and cAdvisor's container_*), log lines with mixed severities,
 * and Docker events, sent through the real ingest API in agent-sized batches.
 */

export interface FleetShape {
  hosts: number;
  containers: number;
  /** How far back the data reaches, and the report interval. */
  span_ms: number;
  interval_ms: number;
  /** Log lines per container over the span. */
  logs_per_container: number;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  ts: number;
}

const SERVICES = ['api', 'web', 'worker', 'billing', 'search', 'cache', 'queue', 'auth', 'mailer', 'cron'];
const IMAGES: Record<string, string> = {
  api: 'registry.local/shop/api:2.14.1',
  web: 'nginx:1.27-alpine',
  worker: 'registry.local/shop/worker:2.14.1',
  billing: 'registry.local/shop/billing:1.9.0',
  search: 'opensearchproject/opensearch:2.17.0',
  cache: 'redis:7.4-alpine',
  queue: 'rabbitmq:3.13-management',
  auth: 'registry.local/shop/auth:0.8.3',
  mailer: 'registry.local/shop/mailer:1.2.0',
  cron: 'busybox:1.36',
};
const MESSAGES: Array<[number, string]> = [
  [6, 'GET /api/orders 200 in 12 ms'],
  [6, 'POST /api/cart 201 user=4711'],
  [6, 'cache hit ratio 0.97 over 60 s'],
  [7, 'connection pool: 12 idle, 3 busy'],
  [5, 'config reloaded from /etc/app/config.yaml'],
  [4, 'slow request: GET /search took 1840 ms'],
  [4, 'retrying upstream billing (attempt 2 of 5)'],
  [3, 'payment failed: upstream timeout talking to billing'],
  [6, 'GET /healthz 200 in 1 ms'],
  [2, 'worker crashed: out of memory while resizing image'],
];
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** A counter that grows at `rate` per second on average, faster and slower in turns, never backwards. */
function counter(rate: number, seed: number, elapsedS: number): number {
  const period = 240 + (seed % 7) * 30;
  return rate * (elapsedS + 0.8 * period * Math.sin(elapsedS / period + seed));
}

/** Deterministic noise, so a screenshot looks the same on every run. */
function wave(seed: number, t: number): number {
  return (Math.sin(seed * 12.9898 + t / 240_000) + Math.sin(seed * 3.1 + t / 97_000) * 0.5 + 1.5) / 3;
}

export function hostName(i: number): string {
  return i < 4 ? ['web-1', 'web-2', 'db-1', 'worker-1'][i]! : `node-${String(i + 1).padStart(2, '0')}`;
}

export interface ContainerSpec {
  host: string;
  name: string;
  service: string;
  id: string;
  image: string;
  limit: number;
}

export function fleetContainers(shape: FleetShape): ContainerSpec[] {
  return Array.from({ length: shape.containers }, (_, i) => {
    const service = SERVICES[i % SERVICES.length]!;
    const host = hostName(i % shape.hosts);
    return {
      host,
      service,
      name: `${service}-${Math.floor(i / SERVICES.length) + 1}`,
      id: (i + 1).toString(16).padStart(12, '0') + 'ab34cd56ef78',
      image: IMAGES[service]!,
      limit: i % 3 === 0 ? 0 : (256 + (i % 4) * 256) * MIB,
    };
  });
}

function hostSamples(host: string, h: number, ts: number, t0: number): Sample[] {
  const l = { host };
  const cpu = 10 + 70 * wave(h, ts) ** (h === 2 ? 0.3 : 2);
  const memTotal = (8 + (h % 4) * 8) * GIB;
  const used = memTotal * (0.35 + 0.5 * wave(h + 7, ts) * (h === 1 ? 1.2 : 0.8));
  const elapsed = (ts - t0) / 1000;
  const disk = 100 * GIB;
  return [
    { name: 'node_cpu_usage_percent', labels: l, value: cpu, ts },
    { name: 'node_cpus', labels: l, value: 4, ts },
    { name: 'node_load1', labels: l, value: (cpu / 100) * 4, ts },
    { name: 'node_load5', labels: l, value: (cpu / 100) * 3.6, ts },
    { name: 'node_load15', labels: l, value: (cpu / 100) * 3.2, ts },
    { name: 'node_memory_MemTotal_bytes', labels: l, value: memTotal, ts },
    { name: 'node_memory_MemAvailable_bytes', labels: l, value: Math.max(0, memTotal - used), ts },
    {
      name: 'node_filesystem_size_bytes',
      labels: { ...l, mountpoint: '/', device: '/dev/sda1' },
      value: disk,
      ts,
    },
    {
      name: 'node_filesystem_avail_bytes',
      labels: { ...l, mountpoint: '/', device: '/dev/sda1' },
      value: disk * (h === 3 ? 0.07 : 0.6 - 0.1 * wave(h, t0)),
      ts,
    },
    {
      name: 'node_network_receive_bytes_total',
      labels: { ...l, device: 'eth0' },
      value: counter(2 * MIB, h, elapsed) + 2 * MIB * 1000,
      ts,
    },
    {
      name: 'node_network_transmit_bytes_total',
      labels: { ...l, device: 'eth0' },
      value: counter(MIB, h + 1, elapsed) + MIB * 1000,
      ts,
    },
    { name: 'node_disk_read_bytes_total', labels: { ...l, device: 'sda' }, value: elapsed * 512 * 1024, ts },
    {
      name: 'node_disk_written_bytes_total',
      labels: { ...l, device: 'sda' },
      value: elapsed * 1.5 * MIB,
      ts,
    },
  ];
}

function containerSamples(c: ContainerSpec, i: number, ts: number, t0: number, running: boolean): Sample[] {
  const l = { host: c.host, name: c.name, id: c.id, image: c.image };
  const base: Sample[] = [
    { name: 'container_state', labels: l, value: running ? 1 : 0, ts },
    { name: 'container_restarts_total', labels: l, value: i % 17 === 0 ? 3 : 0, ts },
    { name: 'container_last_exit_code', labels: l, value: running ? 0 : 137, ts },
  ];
  if (!running) return base;
  const elapsed = (ts - t0) / 1000;
  const limit = c.limit || 1024 * MIB;
  return [
    ...base,
    { name: 'container_cpu_usage_percent', labels: l, value: 2 + 90 * wave(i, ts) ** 3, ts },
    {
      name: 'container_memory_working_set_bytes',
      labels: l,
      value: limit * (0.2 + 0.6 * wave(i + 3, ts)),
      ts,
    },
    { name: 'container_spec_memory_limit_bytes', labels: l, value: c.limit, ts },
    {
      name: 'container_network_receive_bytes_total',
      labels: { ...l, interface: 'eth0' },
      value: counter(90_000, i, elapsed) + 1e8,
      ts,
    },
    {
      name: 'container_network_transmit_bytes_total',
      labels: { ...l, interface: 'eth0' },
      value: elapsed * 40_000,
      ts,
    },
    { name: 'container_fs_reads_bytes_total', labels: { ...l, device: '8:0' }, value: elapsed * 20_000, ts },
    {
      name: 'container_fs_writes_bytes_total',
      labels: { ...l, device: '8:0' },
      value: counter(60_000, i + 2, elapsed) + 1e8,
      ts,
    },
  ];
}

/** Sends the fleet's data; returns how many samples, lines and events went in. */
export async function fillFleet(
  url: string,
  token: string,
  shape: FleetShape,
  now = Date.now(),
): Promise<{ samples: number; logs: number; events: number }> {
  const t0 = now - shape.span_ms;
  const containers = fleetContainers(shape);
  /** Every 23rd container died half-way and stayed down. */
  const diesAt = (i: number): number | undefined => (i % 23 === 5 ? t0 + shape.span_ms * 0.6 : undefined);
  let seq = 0;
  const totals = { samples: 0, logs: 0, events: 0 };
  const post = async (host: string, body: { metrics?: Sample[]; logs?: unknown[]; events?: unknown[] }) => {
    seq += 1;
    const agent = `fill-${host}`;
    const response = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        batch_id: `${agent}:${seq}`,
        agent_id: agent,
        seq,
        host,
        agent_version: '0.1.0',
        sent_ts: Date.now(),
        metrics: [],
        logs: [],
        events: [],
        ...body,
      }),
    });
    if (response.status !== 200)
      throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  };

  for (let h = 0; h < shape.hosts; h++) {
    const host = hostName(h);
    const own = containers.map((c, i) => ({ c, i })).filter(({ c }) => c.host === host);
    let metrics: Sample[] = [];
    for (let ts = t0; ts <= now; ts += shape.interval_ms) {
      metrics.push(...hostSamples(host, h, ts, t0));
      for (const { c, i } of own) {
        const died = diesAt(i);
        metrics.push(...containerSamples(c, i, ts, t0, died === undefined || ts < died));
      }
      if (metrics.length > 4000) {
        await post(host, { metrics });
        totals.samples += metrics.length;
        metrics = [];
      }
    }
    if (metrics.length > 0) await post(host, { metrics });
    totals.samples += metrics.length;

    const logs = own.flatMap(({ c, i }) =>
      Array.from({ length: shape.logs_per_container }, (_, k) => {
        const [severity, message] = MESSAGES[(i + k * 7) % MESSAGES.length]!;
        const ts = t0 + ((k + 0.5) * shape.span_ms) / shape.logs_per_container + (i % 60) * 1000;
        return {
          ts,
          host,
          source: 'docker',
          service: c.service,
          severity,
          message: `${message} req=${(i * 1000 + k).toString(36)}`,
          container: { id: c.id, name: c.name, image: c.image },
        };
      }),
    );
    for (let k = 0; k < logs.length; k += 2000) await post(host, { logs: logs.slice(k, k + 2000) });
    totals.logs += logs.length;

    const events = own.flatMap(({ c, i }) => {
      const actor = { id: c.id, name: c.name, image: c.image };
      const out: Array<Record<string, unknown>> = [
        { ts: t0 + (i % 50) * 1000, host, kind: 'container', action: 'start', actor },
      ];
      const died = diesAt(i);
      if (died !== undefined)
        out.push({
          ts: died,
          host,
          kind: 'container',
          action: 'die',
          actor,
          attributes: { exitCode: '137' },
        });
      if (i % 17 === 0)
        for (const f of [0.3, 0.32]) {
          out.push({
            ts: t0 + shape.span_ms * f,
            host,
            kind: 'container',
            action: 'die',
            actor,
            attributes: { exitCode: '1' },
          });
          out.push({ ts: t0 + shape.span_ms * f + 2000, host, kind: 'container', action: 'restart', actor });
        }
      return out;
    });
    if (events.length > 0) await post(host, { events });
    totals.events += events.length;
  }
  return totals;
}

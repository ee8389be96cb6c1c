/**
 * Server-side cost of the Overview's data with 50 hosts and 500 containers (bench/fill.ts through
 * the real ingest API, server in this process): the fifteen reads the page used to make (hosts,
 * firing alerts, nine latest-value metric queries, containers, histogram, events, anomalies), six
 * at a time as a browser sends them, against the one GET /api/v1/overview, interleaved so both
 * see the same load. Figures: wall time and CPU time of this process per page load, and the
 * overview's own storage reads (its Server-Timing header).
 */
import os from 'node:os';
import { TEST_ADMIN_TOKEN, testServer } from '../test/helpers/server.ts';
import { fillFleet } from './fill.ts';

const SHAPE = {
  hosts: 50,
  containers: 500,
  span_ms: 20 * 60_000,
  interval_ms: 30_000,
  logs_per_container: 20,
};
const ROUNDS = Number(process.env.BENCH_OVERVIEW_ROUNDS ?? 10);
const LATEST = { from: 'now-3m', to: 'now', step: '60s' };
const RANGE = { from: 'now-1h', to: 'now' };
const BEFORE: Array<[string, Record<string, string>]> = [
  ['/api/v1/hosts', {}],
  ['/api/v1/alerts', { state: 'firing' }],
  ...[
    'node_cpu_usage_percent',
    'node_memory_MemAvailable_bytes',
    'node_memory_MemTotal_bytes',
    'node_filesystem_avail_bytes',
    'node_filesystem_size_bytes',
  ].map((query): [string, Record<string, string>] => ['/api/v1/metrics/query', { query, ...LATEST }]),
  ['/api/v1/containers', {}],
  ...[
    'container_cpu_usage_percent',
    'container_memory_working_set_bytes',
    'container_spec_memory_limit_bytes',
    'container_state',
  ].map((query): [string, Record<string, string>] => ['/api/v1/metrics/query', { query, ...LATEST }]),
  ['/api/v1/logs/histogram', RANGE],
  ['/api/v1/events', RANGE],
  ['/api/v1/anomalies', RANGE],
];

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = (): string => `load ${os.loadavg()[0]!.toFixed(1)}`;

const server = await testServer();
try {
  await fillFleet(server.url, TEST_ADMIN_TOKEN, SHAPE);
  // The alert engine evaluates its rules on what was just ingested; let that settle first.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  let bytes = { before: 0, after: 0 };
  const get = async (path: string, params: Record<string, string>): Promise<Response> => {
    const url = new URL(path, server.url);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return response;
  };
  const before = async (): Promise<void> => {
    const queue = [...BEFORE];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift())
        bytes.before += (await (await get(...next)).arrayBuffer()).byteLength;
    };
    await Promise.all(Array.from({ length: 6 }, worker));
  };
  let serverTiming = '';
  const after = async (): Promise<void> => {
    const response = await get('/api/v1/overview', { ...RANGE, top: '8', recent: '12' });
    serverTiming = response.headers.get('server-timing') ?? '';
    bytes.after += (await response.arrayBuffer()).byteLength;
  };
  const measure = async (run: () => Promise<void>): Promise<{ wall: number; cpu: number }> => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const cpu = process.cpuUsage(cpu0);
    return { wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
  };
  await before();
  await after();
  bytes = { before: 0, after: 0 };
  type Run = { wall: number; cpu: number };
  const results = { before: [] as Run[], after: [] as Run[] };
  for (let i = 0; i < ROUNDS; i++) {
    results.before.push(await measure(before));
    results.after.push(await measure(after));
  }
  const line = (name: string, r: Run[], size: number): string =>
    `${name}: wall median ${median(r.map((x) => x.wall)).toFixed(0)} ms, cpu median ` +
    `${median(r.map((x) => x.cpu)).toFixed(0)} ms per page load, ${(size / ROUNDS / 1024).toFixed(0)} KiB`;
  console.log(
    `overview-api: ${SHAPE.hosts} hosts, ${SHAPE.containers} containers, ${ROUNDS} rounds, ${load()}`,
  );
  console.log(`  ${line('before, 15 requests', results.before, bytes.before)}`);
  console.log(`  ${line('after, GET /api/v1/overview', results.after, bytes.after)}`);
  console.log(`  overview storage reads (ms, last round): ${serverTiming}`);
} finally {
  await server.dispose();
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { eventually } from '../../../test/helpers/birdseye-process.ts';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/server.ts';
import { loadConfig } from '../../config/index.ts';
import { createLogger } from '../../core/logger.ts';
import type { ClusterEvent, LogRecord, MetricSample } from '../../model/index.ts';
import { startServer, type RunningServer } from '../server.ts';
import type { Overview } from './overview.ts';
import { getJson } from './test-client.ts';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const STEP = 5 * 60_000;
const HOUR = 3_600_000;

let seq = 0;
async function send(
  server: RunningServer,
  host: string,
  data: { metrics?: MetricSample[]; logs?: LogRecord[]; events?: ClusterEvent[] },
): Promise<void> {
  seq += 1;
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      batch_id: `agent-${host}:${seq}`,
      agent_id: `agent-${host}`,
      seq,
      host,
      sent_ts: 0,
      ...data,
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

const m = (name: string, labels: Record<string, string>, value: number, ts: number): MetricSample => ({
  name,
  labels,
  value,
  ts,
});

/**
 * A real server with a threshold rule that fires for one host and an anomaly rule over two days of
 * a gauge that jumps in the last half hour; the fleet's figures sent through ingest.
 */
describe('GET /api/v1/overview', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let dir: string;
  const now = Date.now();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-overview-'));
    const file = path.join(dir, 'birdseye.yaml');
    const alerting = {
      interval_ms: 200,
      default_rules: false,
      rules: [
        {
          id: 'cpu-hot',
          name: 'CpuHot',
          type: 'threshold',
          query: 'node_cpu_usage_percent',
          comparison: '>',
          threshold: 90,
          severity: 'critical',
        },
        {
          id: 'latency-anomaly',
          name: 'LatencyAnomaly',
          type: 'anomaly',
          query: 'app_latency_ms',
          min_history_ms: 24 * HOUR,
          history_ms: 2 * 24 * HOUR,
        },
      ],
    };
    writeFileSync(file, stringify({ server: { alerting } }));
    const env = {
      BIRDSEYE_DATA_DIR: dir,
      BIRDSEYE_PORT: '0',
      BIRDSEYE_LISTEN_ADDRESS: '127.0.0.1',
      BIRDSEYE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    };
    server = await startServer(loadConfig({ file, env }), createLogger('silent', 'json'));

    const web = { host: 'web-1' };
    const rootFs = { ...web, mountpoint: '/', device: 'sda1' };
    const dataFs = { ...web, mountpoint: '/data', device: 'sdb1' };
    const actor = (name: string) => ({ name, image: `${name}:1`, id: `id-${name}` });
    const c = (host: string, name: string) => ({ host, ...actor(name) });
    await send(server, 'web-1', {
      metrics: [
        // An older sample first: the newest one counts.
        m('node_cpu_usage_percent', web, 10, now - 60_000),
        m('node_cpu_usage_percent', web, 95, now - 1000),
        m('node_memory_MemTotal_bytes', web, 8 * GIB, now - 1000),
        m('node_memory_MemAvailable_bytes', web, 2 * GIB, now - 1000),
        m('node_filesystem_size_bytes', rootFs, 100 * GIB, now - 1000),
        m('node_filesystem_avail_bytes', rootFs, 60 * GIB, now - 1000),
        m('node_filesystem_size_bytes', dataFs, 100 * GIB, now - 1000),
        m('node_filesystem_avail_bytes', dataFs, 10 * GIB, now - 1000),
        m('container_state', c('web-1', 'api'), 1, now - 1000),
        m('container_cpu_usage_percent', c('web-1', 'api'), 50, now - 1000),
        m('container_memory_working_set_bytes', c('web-1', 'api'), 100 * MIB, now - 1000),
        m('container_spec_memory_limit_bytes', c('web-1', 'api'), 200 * MIB, now - 1000),
        // Reports figures from before it died: it is stopped all the same, and not among the busiest.
        m('container_cpu_usage_percent', c('web-1', 'batch'), 99, now - 1000),
        m('container_memory_working_set_bytes', c('web-1', 'batch'), 900 * MIB, now - 1000),
      ],
      events: [
        { ts: now - 120_000, host: 'web-1', kind: 'container', action: 'start', actor: actor('api') },
        { ts: now - 60_000, host: 'web-1', kind: 'container', action: 'die', actor: actor('batch') },
      ],
      logs: [
        { ts: now - 30_000, host: 'web-1', source: 'docker', severity: 3, message: 'payment failed' },
        { ts: now - 20_000, host: 'web-1', source: 'docker', severity: 6, message: 'GET / 200' },
        { ts: now - 10_000, host: 'web-1', source: 'docker', severity: 6, message: 'GET / 200' },
      ],
    });
    await send(server, 'web-2', {
      metrics: [
        m('node_cpu_usage_percent', { host: 'web-2' }, 20, now - 1000),
        // Known only from metrics: no event, no log line.
        m('container_state', c('web-2', 'worker'), 1, now - 1000),
        m('container_cpu_usage_percent', c('web-2', 'worker'), 80, now - 1000),
        m('container_memory_working_set_bytes', c('web-2', 'worker'), 50 * MIB, now - 1000),
        m('container_spec_memory_limit_bytes', c('web-2', 'worker'), 0, now - 1000),
        m('container_state', c('web-2', 'cron'), 0, now - 1000),
        // Too old to be current.
        m('container_cpu_usage_percent', c('web-2', 'ghost'), 70, now - 10 * 60_000),
      ],
    });
    const start = Math.floor(now / STEP) * STEP - 2 * 24 * HOUR;
    const latency: MetricSample[] = [];
    for (let ts = start, i = 0; ts <= now; ts += STEP, i++)
      latency.push(m('app_latency_ms', { host: 'web-2' }, ts >= now - 30 * 60_000 ? 400 : 40 + (i % 5), ts));
    await send(server, 'web-2', { metrics: latency });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const overview = async (params: Record<string, string> = {}) =>
    (await getJson<Overview>(server, TEST_ADMIN_TOKEN, '/api/v1/overview', params)).body;

  it('gives every host with its newest figures and firing alerts', async () => {
    const body = await eventually(
      async () => {
        const o = await overview();
        return o.counts.alerts_firing === 2 ? o : undefined;
      },
      30_000,
      'the threshold and the anomaly alert firing',
    );
    const [web1, web2] = body.hosts;
    assert.deepEqual(
      body.hosts.map((h) => [h.host, h.status]),
      [
        ['web-1', 'up'],
        ['web-2', 'up'],
      ],
    );
    assert.equal(web1!.cpu_percent, 95);
    assert.equal(web1!.memory_used_ratio, 0.75);
    assert.equal(web1!.disk_used_ratio, 0.9, 'the fullest filesystem');
    assert.deepEqual(web1!.alerts_firing, [{ alertname: 'CpuHot', severity: 'critical' }]);
    assert.equal(web2!.cpu_percent, 20);
    assert.equal(web2!.memory_used_ratio, null);
    assert.deepEqual(web2!.alerts_firing, [{ alertname: 'LatencyAnomaly', severity: 'warning' }]);
    assert.deepEqual(body.counts, {
      hosts: 2,
      hosts_up: 2,
      // api and worker run; batch died, cron reports itself stopped; ghost went quiet long ago.
      containers: 4,
      containers_running: 2,
      containers_stopped: 2,
      alerts_firing: 2,
    });
    assert.deepEqual(
      body.anomalies.map((a) => [a.host, a.metric]),
      [['web-2', 'app_latency_ms']],
    );
  });

  it('ranks running containers only, and counts the rest as stopped', async () => {
    const body = await overview({ top: '1' });
    assert.deepEqual(body.top_containers.cpu, [
      {
        host: 'web-2',
        name: 'worker',
        image: 'worker:1',
        cpu_percent: 80,
        memory_bytes: 50 * MIB,
        memory_limit_bytes: null,
      },
    ]);
    assert.deepEqual(
      body.top_containers.memory.map((c) => [c.name, c.memory_bytes, c.memory_limit_bytes]),
      [['api', 100 * MIB, 200 * MIB]],
    );
  });

  it('gives log volume by severity and the newest events of the range', async () => {
    const body = await overview({ from: 'now-15m', to: 'now', recent: '1' });
    const bySeverity: Record<string, number> = {};
    for (const b of body.log_volume.buckets)
      for (const [s, n] of Object.entries(b.by_severity)) bySeverity[s] = (bySeverity[s] ?? 0) + n;
    assert.deepEqual(bySeverity, { err: 1, info: 2 });
    assert.equal(body.log_volume.interval_ms, 10_000);
    assert.deepEqual(
      body.events.map((e) => [e.action, e.actor?.name]),
      [['die', 'batch']],
    );
    const earlier = await overview({ from: 'now-2h', to: 'now-1h' });
    assert.deepEqual(earlier.events, []);
    assert.equal(
      earlier.log_volume.buckets.reduce((n, b) => n + b.total, 0),
      0,
    );
  });

  it('needs a read token and rejects bad parameters with a 400 naming them', async () => {
    const anonymous = await fetch(`${server.url}/api/v1/overview`);
    assert.equal(anonymous.status, 401);
    const bad = await getJson<{ error: { message: string } }>(server, TEST_ADMIN_TOKEN, '/api/v1/overview', {
      top: '0',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^top: /);
    const reversed = await getJson(server, TEST_ADMIN_TOKEN, '/api/v1/overview', {
      from: 'now',
      to: 'now-1h',
    });
    assert.equal(reversed.status, 400);
  });
});

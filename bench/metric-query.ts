/**
 * Metric queries over 7 days for 50 hosts (the target: < 200 ms), on a SQLite store
 * holding one sample per host every 10 s (what agents send by default) of node_load1: 3 M samples,
 * written through the backend's batch write, then rolled up as the server's rollup job does.
 * Measured with the step the API picks when none is given (what the UI's charts ask for), and with
 * explicit steps of 1 h and 5 min; each query 5 times, p50 and max, CPU per query.
 * BENCH_METRIC_HOSTS (50), BENCH_METRIC_INTERVAL_MS (10,000). The store is rebuilt every run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MetricSample } from '../src/model/index.ts';
import { defaultStep, evaluate } from '../src/server/query/metric-engine.ts';
import { parseMetricQuery } from '../src/server/query/metric-query.ts';
import { SqliteBackend } from '../src/server/storage/sqlite/sqlite-backend.ts';

const HOSTS = Number(process.env.BENCH_METRIC_HOSTS ?? 50);
const INTERVAL_MS = Number(process.env.BENCH_METRIC_INTERVAL_MS ?? 10_000);
const DAY = 86_400_000;
const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 17_000;
const TENANT = 'default';
const load = (): string => `load ${os.loadavg()[0]!.toFixed(1)}`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-metric-'));
const store = new SqliteBackend(dir);
try {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let samples: MetricSample[] = [];
  let count = 0;
  let seq = 0;
  const flush = async (): Promise<void> => {
    seq++;
    const batch = { batch_id: `m:${seq}`, agent_id: 'm', seq, host: 'm', sent_ts: NOW, logs: [], events: [] };
    await store.writeBatch(TENANT, { ...batch, metrics: samples }, NOW);
    count += samples.length;
    samples = [];
  };
  for (let ts = NOW - 7 * DAY; ts < NOW; ts += INTERVAL_MS) {
    for (let h = 0; h < HOSTS; h++) {
      const value = 1 + Math.sin(ts / 3_600_000 + h) + (h % 5) * 0.3;
      samples.push({ name: 'node_load1', labels: { host: `host-${h}`, job: 'node' }, value, ts });
    }
    if (samples.length >= 20_000) await flush();
  }
  await flush();
  await store.rollup(NOW);
  const used = process.cpuUsage(cpu);
  console.log(
    `metric store: ${count.toLocaleString('en-US')} samples (${HOSTS} hosts × 7 d every ${INTERVAL_MS / 1000} s) ` +
      `written and rolled up in ${((performance.now() - t0) / 1000).toFixed(0)} s, ` +
      `${((used.user + used.system) / 1e6).toFixed(0)} CPU-s (${load()})`,
  );

  const from = NOW - 7 * DAY;
  const steps: Array<[string, number]> = [
    [`API default step (${defaultStep(from, NOW) / 1000} s)`, defaultStep(from, NOW)],
    ['step 1 h', 3_600_000],
    ['step 5 min', 300_000],
  ];
  for (const q of ['avg(node_load1) by (host)', 'max(node_load1)', 'node_load1{host="host-3"}']) {
    for (const [name, step_ms] of steps) {
      const ms: number[] = [];
      const c = process.cpuUsage();
      let points = 0;
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        const out = await evaluate(store, TENANT, parseMetricQuery(q), { from, to: NOW, step_ms });
        ms.push(performance.now() - start);
        points = out.reduce((s, series) => s + series.points.length, 0);
      }
      const u = process.cpuUsage(c);
      ms.sort((a, b) => a - b);
      console.log(
        `metric query 7 d × ${HOSTS} hosts, ${q}, ${name}: p50 ${ms[2]!.toFixed(0)} ms, max ` +
          `${ms[4]!.toFixed(0)} ms, ${((u.user + u.system) / 1000 / 5).toFixed(0)} CPU-ms each, ${points} points (${load()})`,
      );
    }
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

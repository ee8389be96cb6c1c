/**
 * SQLite store: ingest lines/s with the full-text index on, term and phrase search p95 and a 24 h
 * histogram on a large store, a 7-day metric query for 50 hosts (raw and from rollups), and bytes
 * on disk per stored line. Records are the real captured fixture lines, parsed by the real parsers.
 * Sizes: BENCH_STORE_LINES (default 2,000,000; the target is 10 M), BENCH_STORE_HOSTS (50),
 * BENCH_STORE_METRIC_INTERVAL_MS (10,000), BENCH_STORE_BATCH (lines per batch, default 5,000: the
 * agent's batch_max_events, which is what its batches hold at any high rate), BENCH_STORE_IN_FLIGHT
 * (batches written at once, default 2, as the agent's sink sends them).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IngestBatch, LogRecord, MetricSample } from '../src/model/index.ts';
import { parseLine } from '../src/parse/detect.ts';
import { evaluate } from '../src/server/query/metric-engine.ts';
import { parseMetricQuery } from '../src/server/query/metric-query.ts';
import { parseLogQuery } from '../src/server/query/log-query.ts';
import { TemplateMiner } from '../src/server/patterns/miner.ts';
import { SqliteBackend } from '../src/server/storage/sqlite/sqlite-backend.ts';
import { journalCorpus, mixedCorpus } from './corpus.ts';
import { threadCpuSeconds } from './process-stats.ts';

const LINES = Number(process.env.BENCH_STORE_LINES ?? 2_000_000);
const HOSTS = Number(process.env.BENCH_STORE_HOSTS ?? 50);
/** One sample per host per this interval, over 7 days (agents default to 10 s). */
const METRIC_INTERVAL_MS = Number(process.env.BENCH_STORE_METRIC_INTERVAL_MS ?? 10_000);
const BATCH = Number(process.env.BENCH_STORE_BATCH ?? 5000);
const IN_FLIGHT = Number(process.env.BENCH_STORE_IN_FLIGHT ?? 2);
const DAY = 86_400_000;
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const TENANT = 'default';

/**
 * Parsed records from the fixture corpora, one template per distinct line, reused round-robin,
 * each with the pattern id the server's miner gives it (the server stores every line with one).
 */
function templates(): LogRecord[] {
  const ctx = { received_ts: NOW, host: 'peer', source: 'gateway' };
  const miner = new TemplateMiner();
  return [...journalCorpus(500), ...mixedCorpus(500)].map((line) => {
    const record = parseLine(line, ctx);
    return { ...record, pattern: miner.mine(TENANT, record.source, record.message).id };
  });
}

let seq = 0;
function batch(logs: LogRecord[], metrics: MetricSample[] = [], agent = 'bench'): IngestBatch {
  seq++;
  return {
    batch_id: `${agent}:${seq}`,
    agent_id: agent,
    seq,
    host: 'bench-1',
    sent_ts: NOW,
    logs,
    events: [],
    metrics,
  };
}

/** Line i of n, spread evenly over the 24 h before NOW, on one of HOSTS hosts. */
function record(t: LogRecord, i: number, n: number): LogRecord {
  return { ...t, ts: NOW - DAY + (i * DAY) / n, host: `host-${i % HOSTS}`, message: `${t.message} #${i}` };
}

function p95(ms: number[]): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const out = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, out];
}

function diskBytes(dir: string): number {
  const sub = path.join(dir, 'server');
  return readdirSync(sub)
    .filter((f) => f.startsWith('birdseye'))
    .reduce((sum, f) => sum + statSync(path.join(sub, f)).size, 0);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-store-'));
const store = new SqliteBackend(path.join(dir, 'server'));
try {
  const t = templates();
  // Ingest: the whole store is written in agent-sized batches; the first 200k lines are the
  // sustained-rate figure (the store is still small), the rest shows it holds as the store grows.
  let written = 0;
  let firstRate = 0;
  const threadsStart = threadCpuSeconds();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  // IN_FLIGHT batches at once (two, as the agent's sink sends them): the next one's rows are
  // written while the previous one's index entries commit.
  const inFlight: Promise<unknown>[] = [];
  while (written < LINES) {
    const n = Math.min(BATCH, LINES - written);
    const logs: LogRecord[] = [];
    for (let i = 0; i < n; i++) logs.push(record(t[(written + i) % t.length]!, written + i, LINES));
    inFlight.push(store.writeBatch(TENANT, batch(logs), NOW));
    if (inFlight.length === IN_FLIGHT) await inFlight.shift();
    written += n;
    if (written === Math.min(200_000, LINES)) {
      firstRate = written / (Number(process.hrtime.bigint() - start) / 1e9);
    }
    if (written % 500_000 === 0) {
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      console.log(`storage ingest: ${written} lines after ${s.toFixed(0)} s`);
    }
  }
  await Promise.all(inFlight);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `storage ingest: ${Math.round(LINES / cpuSeconds)} lines per CPU-second ` +
      `(${cpuSeconds.toFixed(1)} CPU-s for ${LINES} lines; load average ${os.loadavg()[0]!.toFixed(1)})`,
  );
  // The busiest thread: its CPU-seconds bound the wall clock when each thread has a core.
  const threads = threadCpuSeconds();
  const mainCpu = threads.main - threadsStart.main;
  const other = [...threads.others].map(([tid, c]) => c - (threadsStart.others.get(tid) ?? 0));
  const busiest = Math.max(0, ...other);
  console.log(
    `storage ingest: main thread ${mainCpu.toFixed(1)} CPU-s (${Math.round(LINES / mainCpu)} lines per its CPU-s), ` +
      `busiest other thread ${busiest.toFixed(1)} CPU-s (${Math.round(LINES / busiest)} lines per its CPU-s)`,
  );
  console.log(
    `storage ingest: first ${Math.min(200_000, LINES)} lines at ${Math.round(firstRate)} lines/s; ` +
      `all ${LINES} lines in ${seconds.toFixed(1)} s = ${Math.round(LINES / seconds)} lines/s (SQLite, FTS5 on, batches of ${BATCH})`,
  );
  console.log(
    `storage size: ${(diskBytes(dir) / LINES).toFixed(0)} bytes on disk per stored line (${LINES} lines)`,
  );

  const range = { from: NOW - DAY, to: NOW };
  const search = async (q: string) =>
    timed(() => store.searchLogs(TENANT, { query: parseLogQuery(q), ...range, limit: 100, order: 'newest' }));
  for (const [kind, queries] of [
    [
      'term',
      ['disk', 'usage', 'failed', 'started', 'error', 'connection', 'kernel', 'host-7', 'payload', 'session'],
    ],
    [
      'phrase',
      ['"disk usage"', '"binary payload"', '"started session"', '"connection refused"', '"out of memory"'],
    ],
    ['field', ['severity:<=3', 'host:host-3 AND disk', 'service:diskwatch', 'NOT usage AND disk']],
  ] as const) {
    const ms: number[] = [];
    for (let round = 0; round < 4; round++) for (const q of queries) ms.push((await search(q))[0]);
    console.log(
      `storage search ${kind}: p95 ${p95(ms).toFixed(1)} ms over ${ms.length} queries, ${LINES} lines stored`,
    );
  }
  for (const q of ['', 'disk']) {
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      ms.push(
        (
          await timed(() =>
            store.logHistogram(TENANT, { query: parseLogQuery(q), ...range, interval_ms: 900_000 }),
          )
        )[0],
      );
    }
    console.log(
      `storage histogram 24 h${q ? ` q=${q}` : ''}: p95 ${p95(ms).toFixed(0)} ms (96 buckets, ${LINES} lines stored)`,
    );
  }

  // Metrics: HOSTS hosts × 7 days × one sample per 10 s of node_load1.
  const mStart = process.hrtime.bigint();
  let samples: MetricSample[] = [];
  let count = 0;
  for (let ts = NOW - 7 * DAY; ts < NOW; ts += METRIC_INTERVAL_MS) {
    for (let h = 0; h < HOSTS; h++) {
      samples.push({ name: 'node_load1', labels: { host: `host-${h}` }, value: (ts / 10_000 + h) % 17, ts });
    }
    if (samples.length >= 5000) {
      await store.writeBatch(TENANT, batch([], samples, 'metrics'), NOW);
      count += samples.length;
      samples = [];
    }
  }
  await store.writeBatch(TENANT, batch([], samples, 'metrics'), NOW);
  count += samples.length;
  const mSeconds = Number(process.hrtime.bigint() - mStart) / 1e9;
  console.log(
    `storage metrics ingest (every ${METRIC_INTERVAL_MS / 1000} s): ${count} samples in ${mSeconds.toFixed(1)} s = ${Math.round(count / mSeconds)} samples/s`,
  );
  const metricQuery = async () => {
    const ms: number[] = [];
    for (const q of ['avg(node_load1) by (host)', 'max(node_load1)', 'node_load1{host="host-3"}']) {
      for (let i = 0; i < 3; i++) {
        ms.push(
          (
            await timed(() =>
              evaluate(store, TENANT, parseMetricQuery(q), {
                from: NOW - 7 * DAY,
                to: NOW,
                step_ms: 3_600_000,
              }),
            )
          )[0],
        );
      }
    }
    return p95(ms);
  };
  console.log(
    `storage metric query 7 d × ${HOSTS} hosts, step 1 h, raw samples: p95 ${(await metricQuery()).toFixed(0)} ms`,
  );
  const [buildMs] = await timed(() => store.rollup(NOW));
  console.log(`storage metric rollup build (first, all 7 d): ${buildMs.toFixed(0)} ms`);
  console.log(
    `storage metric query 7 d × ${HOSTS} hosts, step 1 h, from rollups: p95 ${(await metricQuery()).toFixed(0)} ms`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

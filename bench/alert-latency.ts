/**
 * Alerting: (1) latency from a bad sample reaching `birdseye server` to the notification arriving
 * at a local webhook receiver, with the default timings (interval, group_wait, evaluate on ingest),
 * each time for a new group; (2) the cost of one evaluation of a rule over 1,000 series on the
 * SQLite store: a threshold rule, and an anomaly rule on its first run (fits two days of history
 * per series) and after (scores only the recent window).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { MetricSample } from '../src/model/index.ts';
import { ModelCache } from '../src/server/alerting/anomaly/model-cache.ts';
import { httpReceiver } from '../src/server/alerting/notifiers/receivers.ts';
import { evaluateRule, type EvalContext } from '../src/server/alerting/rules/evaluate.ts';
import { ruleSchema } from '../src/server/alerting/rules/rule-schema.ts';
import { STORAGE_BACKENDS } from '../src/server/storage/registry.ts';
import { startBirdseye } from '../test/helpers/birdseye-process.ts';

const ROUNDS = Number(process.env.BENCH_ALERT_ROUNDS ?? 5);
const SERIES = 1000;

async function latency(): Promise<void> {
  const hook = await httpReceiver();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-alert-'));
  const config = path.join(dir, 'birdseye.yaml');
  const rule = {
    id: 'load',
    name: 'HighLoad',
    type: 'threshold',
    query: 'node_load1',
    comparison: '>',
    threshold: 50,
  };
  const alerting = {
    default_rules: false,
    rules: [rule],
    channels: { hook: { type: 'webhook', url: hook.url } },
  };
  writeFileSync(config, stringify({ server: { alerting } }));
  const server = await startBirdseye('server', { args: ['--config', config] });
  const token = server.adminToken();
  const took: number[] = [];
  try {
    for (let i = 1; i <= ROUNDS; i += 1) {
      const host = `bench-${i}`;
      const before = hook.received.length;
      const sent = performance.now();
      const batch = {
        batch_id: `bench:${i}`,
        agent_id: 'bench',
        seq: i,
        host,
        sent_ts: Date.now(),
        metrics: [{ name: 'node_load1', labels: { host }, value: 99, ts: Date.now() }],
      };
      await fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      const deadline = Date.now() + 60_000;
      while (hook.received.length === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      took.push(performance.now() - sent);
      // Not in step with the evaluation clock: each round lands somewhere else in the interval.
      await new Promise((r) => setTimeout(r, 1700 * i));
    }
  } finally {
    await server.cleanup();
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...took].sort((a, b) => a - b);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `alert latency (bad sample → webhook, default timings, new group), ${ROUNDS} rounds: ` +
      `median ${s(sorted[Math.floor(sorted.length / 2)]!)}, max ${s(sorted.at(-1)!)} (target < 10 s)`,
  );
}

async function evaluationCost(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-eval-'));
  const storage = STORAGE_BACKENDS.sqlite(dir);
  const now = Date.now();
  const step = 5 * 60_000;
  const start = Math.floor(now / step) * step - 2 * 86_400_000;
  try {
    let seq = 0;
    for (let s = 0; s < SERIES; s += 50) {
      const metrics: MetricSample[] = [];
      for (let k = s; k < s + 50; k += 1)
        for (let ts = start; ts <= now; ts += step)
          metrics.push({
            name: 'svc_latency_ms',
            labels: { host: `h${k % 20}`, svc: `s${k}` },
            value: 50 + 20 * Math.sin(ts / 1.4e7) + (k % 7),
            ts,
          });
      seq += 1;
      await storage.writeBatch(
        'default',
        { batch_id: `b:${seq}`, agent_id: 'b', seq, host: 'h0', sent_ts: now, metrics, logs: [], events: [] },
        now,
      );
    }
    const ctx: EvalContext = {
      storage,
      now,
      interval_ms: 15_000,
      anomaly: { models: new ModelCache(), mark: () => undefined },
    };
    const time = async (name: string, input: unknown) => {
      const rule = ruleSchema.parse(input);
      const t0 = performance.now();
      const observations = await evaluateRule(rule, ctx);
      console.log(`  ${name}: ${(performance.now() - t0).toFixed(0)} ms (${observations.length} firing)`);
    };
    console.log(`rule evaluation over ${SERIES} series (SQLite, 2 days at 5-minute samples):`);
    await time('threshold', {
      id: 't',
      type: 'threshold',
      query: 'svc_latency_ms',
      comparison: '>',
      threshold: 1000,
      lookback_ms: 600_000,
    });
    const anomaly = { id: 'a', type: 'anomaly', query: 'svc_latency_ms', min_history_ms: 86_400_000 };
    await time('anomaly, first run (fits every series)', anomaly);
    await time('anomaly, next runs (cached models)', anomaly);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await latency();
await evaluationCost();

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any --
   Receiver payloads are untyped JSON checked field by field. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { httpReceiver, type Receiver } from '../../src/server/alerting/notifiers/receivers.ts';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';

const STEP = 5 * 60_000;
const HOUR = 3_600_000;
const normal = (ts: number): number => 40 + 25 * Math.sin(((ts % 86_400_000) / 86_400_000) * 2 * Math.PI);
/** Deterministic noise in [-2, 2]. */
const noise = (i: number): number => 4 * (((i * 2654435761) % 1000) / 1000 - 0.5);

/**
 * Through the real `birdseye server` process: two days of a seasonal gauge, then half an hour far
 * above it. The anomaly shows up as a mark in GET /api/v1/anomalies and as a notification at a
 * local webhook receiver carrying the value and the learned baseline.
 */
describe('anomaly detection through the server process', { timeout: 120_000 }, () => {
  let server: BirdseyeProcess;
  let hook: Receiver;
  let dir: string;
  let token: string;
  const now = Date.now();

  before(async () => {
    hook = await httpReceiver();
    dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-anomaly-it-'));
    const config = path.join(dir, 'birdseye.yaml');
    const alerting = {
      interval_ms: 1000,
      default_rules: false,
      channels: { hook: { type: 'webhook', url: hook.url } },
      rules: [
        {
          id: 'latency-anomaly',
          name: 'LatencyAnomaly',
          type: 'anomaly',
          query: 'app_latency_ms',
          min_history_ms: 24 * HOUR,
          history_ms: 2 * 24 * HOUR,
          summary: 'Latency on {{host}} is {{value}}, normally about {{baseline}}',
        },
      ],
    };
    writeFileSync(config, stringify({ server: { alerting } }));
    server = await startBirdseye('server', { args: ['--config', config] });
    token = server.adminToken();
  });
  after(async () => {
    await server?.cleanup();
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ingest(host: string, samples: Array<{ ts: number; value: number }>, seq: number) {
    const batch = {
      batch_id: `anomaly-it:${seq}`,
      agent_id: 'anomaly-it',
      seq,
      host,
      sent_ts: Date.now(),
      metrics: samples.map((s) => ({ name: 'app_latency_ms', labels: { host }, value: s.value, ts: s.ts })),
    };
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    assert.equal(res.status, 200, await res.text());
  }

  it('marks the anomaly and notifies the webhook with value and baseline', async () => {
    const start = Math.floor(now / STEP) * STEP - 2 * 24 * HOUR;
    const windowStart = now - 30 * 60_000;
    let seq = 0;
    for (const host of ['steady', 'spiking']) {
      const samples: Array<{ ts: number; value: number }> = [];
      let i = 0;
      for (let ts = start; ts <= now; ts += STEP, i += 1) {
        const bad = host === 'spiking' && ts >= windowStart;
        samples.push({ ts, value: bad ? 400 : normal(ts) + noise(i) });
      }
      for (let k = 0; k < samples.length; k += 200) await ingest(host, samples.slice(k, k + 200), (seq += 1));
    }

    const marks = await eventually(
      async () => {
        const url = `${server.url}/api/v1/anomalies?from=now-1h&to=now`;
        const { body } = await getJson<{ anomalies: any[] }>(url, token);
        return body.anomalies.length > 0 ? body.anomalies : undefined;
      },
      30_000,
      'an anomaly mark',
    );
    assert.deepEqual([...new Set(marks.map((m) => m.host))], ['spiking']);
    assert.equal(marks[0].metric, 'app_latency_ms');
    assert.ok(marks[0].score > 1 && marks[0].start >= windowStart - STEP);
    const filtered = await getJson<{ anomalies: any[] }>(
      `${server.url}/api/v1/anomalies?from=now-1h&to=now&host=steady`,
      token,
    );
    assert.deepEqual(filtered.body.anomalies, []);

    const message = await eventually(
      () => Promise.resolve(hook.received[0] ? JSON.parse(hook.received[0].body) : undefined),
      30_000,
      'the webhook notification',
    );
    assert.equal(message.status, 'firing');
    assert.deepEqual(
      message.alerts.map((a: any) => a.labels.host),
      ['spiking'],
    );
    assert.equal(message.alerts[0].value, 400);
    assert.ok(
      Math.abs(message.alerts[0].baseline - normal(now)) < 10,
      `baseline ${message.alerts[0].baseline}`,
    );
    assert.match(message.alerts[0].annotations.summary, /Latency on spiking is 400, normally about \d/);
  });
});

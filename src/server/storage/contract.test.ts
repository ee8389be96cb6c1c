import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { IngestBatch, MetricSample } from '../../model/index.ts';
import type { StorageBackend } from './backend.ts';
import { STORAGE_BACKENDS } from './registry.ts';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function batch(seq: number, metrics: MetricSample[], extra: Partial<IngestBatch> = {}): IngestBatch {
  return {
    batch_id: `agent-a:${seq}`,
    agent_id: 'agent-a',
    seq,
    host: 'node-1',
    agent_version: '0.1.0',
    sent_ts: T0,
    metrics,
    logs: [],
    events: [],
    ...extra,
  };
}

function cpu(ts: number, value: number, host = 'node-1', mode = 'user'): MetricSample {
  return { name: 'node_cpu_seconds_total', labels: { host, mode }, value, ts };
}

for (const [name, create] of Object.entries(STORAGE_BACKENDS)) {
  describe(`storage contract: ${name}`, () => {
    const dirs: string[] = [];
    const backends: StorageBackend[] = [];
    function open(dir?: string): { backend: StorageBackend; dir: string } {
      const d = dir ?? mkdtempSync(path.join(os.tmpdir(), `birdseye-${name}-`));
      if (!dir) dirs.push(d);
      const backend = create(d);
      backends.push(backend);
      return { backend, dir: d };
    }
    after(async () => {
      for (const b of backends) await b.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('stores a batch once and ignores a resent batch id', async () => {
      const { backend } = open();
      assert.deepEqual(await backend.writeBatch('default', batch(1, [cpu(T0, 1)]), T0), { stored: true });
      assert.deepEqual(await backend.writeBatch('default', batch(1, [cpu(T0 + 1000, 2)]), T0), {
        stored: false,
      });
      const stats = await backend.stats('default');
      assert.equal(stats.batches, 1);
      assert.equal(stats.metric_samples, 1);
    });

    it('summarises samples per step bucket within the range', async () => {
      const { backend } = open();
      const samples = [0, 1, 2, 3, 4, 5].map((i) => cpu(T0 + i * 10_000, i * 10));
      await backend.writeBatch('default', batch(1, samples), T0);
      const [series, ...rest] = await backend.queryMetrics('default', {
        name: 'node_cpu_seconds_total',
        matchers: [],
        from: T0 + 10_000,
        to: T0 + 50_000,
        step_ms: 20_000,
      });
      assert.equal(rest.length, 0);
      assert.deepEqual(series?.labels, { host: 'node-1', mode: 'user' });
      assert.deepEqual(
        series?.buckets.map((b) => [b.ts - T0, b.min, b.max, b.sum, b.count]),
        [
          [0, 10, 10, 10, 1],
          [20_000, 20, 30, 50, 2],
          [40_000, 40, 50, 90, 2],
        ],
      );
    });

    it('selects series by label matchers', async () => {
      const { backend } = open();
      await backend.writeBatch(
        'default',
        batch(1, [cpu(T0, 1, 'a', 'user'), cpu(T0, 2, 'a', 'idle'), cpu(T0, 3, 'b', 'user')]),
        T0,
      );
      const q = async (matchers: Parameters<StorageBackend['queryMetrics']>[1]['matchers']) =>
        (
          await backend.queryMetrics('default', {
            name: 'node_cpu_seconds_total',
            matchers,
            from: T0,
            to: T0,
            step_ms: 1000,
          })
        )
          .map((s) => `${s.labels.host}/${s.labels.mode}`)
          .sort();
      assert.deepEqual(await q([{ label: 'host', op: '=', value: 'a' }]), ['a/idle', 'a/user']);
      assert.deepEqual(await q([{ label: 'mode', op: '!=', value: 'idle' }]), ['a/user', 'b/user']);
      assert.deepEqual(await q([{ label: 'host', op: '=~', value: 'a|b' }]), ['a/idle', 'a/user', 'b/user']);
      assert.deepEqual(await q([{ label: 'host', op: '!~', value: 'a' }]), ['b/user']);
      assert.deepEqual(await q([{ label: 'missing', op: '=', value: '' }]), ['a/idle', 'a/user', 'b/user']);
    });

    it('keeps tenants apart', async () => {
      const { backend } = open();
      await backend.writeBatch('acme', batch(1, [cpu(T0, 1)]), T0);
      // The same batch id under another tenant is a different batch.
      assert.deepEqual(await backend.writeBatch('other', batch(1, [cpu(T0, 5, 'node-9')]), T0), {
        stored: true,
      });
      assert.deepEqual(await backend.labelValues('acme', 'host'), ['node-1']);
      assert.deepEqual(await backend.labelValues('other', 'host'), ['node-9']);
      assert.deepEqual(
        (await backend.hosts('acme')).map((h) => h.host),
        ['node-1'],
      );
      assert.deepEqual(await backend.metricNames('nobody'), []);
    });

    it('tracks hosts with first and last seen and the agent that reported', async () => {
      const { backend } = open();
      await backend.writeBatch('default', batch(1, [cpu(T0, 1)]), T0);
      await backend.writeBatch(
        'default',
        batch(2, [cpu(T0 + 10_000, 2)], { agent_version: '0.2.0' }),
        T0 + 10_000,
      );
      const [host] = await backend.hosts('default');
      assert.deepEqual(host, {
        host: 'node-1',
        first_seen: T0,
        last_seen: T0 + 10_000,
        agent_id: 'agent-a',
        agent_version: '0.2.0',
      });
    });

    it('stores logs and events that arrive in a batch', async () => {
      const { backend } = open();
      await backend.writeBatch(
        'default',
        batch(1, [], {
          logs: [{ ts: T0 + 0.123, host: 'node-1', source: 'journald', message: 'hello', severity: 6 }],
          events: [{ ts: T0, host: 'node-1', kind: 'container', action: 'start', actor: { name: 'web' } }],
        }),
        T0,
      );
      const stats = await backend.stats('default');
      assert.equal(stats.logs, 1);
      assert.equal(stats.events, 1);
    });

    it('lists metric names and label values, optionally per metric', async () => {
      const { backend } = open();
      await backend.writeBatch(
        'default',
        batch(1, [
          cpu(T0, 1),
          { name: 'node_memory_MemTotal_bytes', labels: { host: 'm' }, value: 1, ts: T0 },
        ]),
        T0,
      );
      assert.deepEqual(await backend.metricNames('default'), [
        'node_cpu_seconds_total',
        'node_memory_MemTotal_bytes',
      ]);
      assert.deepEqual(await backend.labelValues('default', 'host'), ['m', 'node-1']);
      assert.deepEqual(await backend.labelValues('default', 'host', 'node_memory_MemTotal_bytes'), ['m']);
    });

    it('can be closed twice', async () => {
      const { backend } = open();
      await backend.close();
      await backend.close();
    });

    if (name !== 'memory') {
      it('keeps what it stored across a reopen', async () => {
        const { backend, dir } = open();
        await backend.writeBatch('default', batch(7, [cpu(T0, 42)]), T0);
        await backend.close();
        const { backend: again } = open(dir);
        assert.deepEqual(await again.writeBatch('default', batch(7, [cpu(T0, 42)]), T0), { stored: false });
        assert.equal((await again.stats('default')).metric_samples, 1);
      });
    }
  });
}

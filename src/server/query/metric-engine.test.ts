import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricSample } from '../../model/index.ts';
import { MemoryBackend } from '../storage/memory/memory-backend.ts';
import { defaultStep, evaluate } from './metric-engine.ts';
import { parseMetricQuery } from './metric-query.ts';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

async function store(samples: MetricSample[]): Promise<MemoryBackend> {
  const backend = new MemoryBackend();
  await backend.writeBatch(
    'default',
    {
      batch_id: 'a:1',
      agent_id: 'a',
      seq: 1,
      host: 'h',
      sent_ts: T0,
      metrics: samples,
      logs: [],
      events: [],
    },
    T0,
  );
  return backend;
}

const run = async (backend: MemoryBackend, query: string, from = T0, to = T0 + 60_000, step_ms = 10_000) =>
  evaluate(backend, 'default', parseMetricQuery(query), { from, to, step_ms });

describe('metric query evaluation', () => {
  it('picks a round default step that the 5-minute and 1-hour rollups can answer', () => {
    const hour = 3_600_000;
    for (const [range, step] of [
      [hour, 15_000],
      [24 * hour, 300_000],
      [7 * 24 * hour, hour],
      [30 * 24 * hour, 3 * hour],
      [400 * 24 * hour, 2 * 24 * hour],
    ] as const) {
      assert.equal(defaultStep(T0, T0 + range), step);
      assert.ok(range / step <= 300, `${range / step} points`);
    }
    assert.equal(defaultStep(T0, T0 + 10_000), 1000);
  });

  it('averages a gauge within each step', async () => {
    const backend = await store([
      { name: 'g', labels: { host: 'a' }, value: 1, ts: T0 },
      { name: 'g', labels: { host: 'a' }, value: 3, ts: T0 + 5000 },
      { name: 'g', labels: { host: 'a' }, value: 10, ts: T0 + 10_000 },
    ]);
    const [series] = await run(backend, 'g{host="a"}');
    assert.deepEqual(series?.labels, { __name__: 'g', host: 'a' });
    assert.deepEqual(series?.points, [
      [T0, 2],
      [T0 + 10_000, 10],
    ]);
  });

  it('turns a counter into a per-second rate and survives a counter reset', async () => {
    const counter = [0, 100, 300, 50, 150].map((value, i) => ({
      name: 'c_total',
      labels: { host: 'a' },
      value,
      ts: T0 + i * 10_000,
    }));
    const [series] = await run(await store(counter), 'rate(c_total)', T0 + 10_000, T0 + 40_000);
    assert.deepEqual(series?.points, [
      [T0 + 10_000, 10],
      [T0 + 20_000, 20],
      [T0 + 30_000, 5],
      [T0 + 40_000, 10],
    ]);
  });

  it('aggregates across series, grouped by labels', async () => {
    const backend = await store([
      { name: 'g', labels: { host: 'a', mode: 'user' }, value: 1, ts: T0 },
      { name: 'g', labels: { host: 'a', mode: 'system' }, value: 2, ts: T0 },
      { name: 'g', labels: { host: 'b', mode: 'user' }, value: 5, ts: T0 },
    ]);
    const byHost = await run(backend, 'sum by (host) (g)');
    assert.deepEqual(
      byHost.map((s) => [s.labels, s.points]),
      [
        [{ host: 'a' }, [[T0, 3]]],
        [{ host: 'b' }, [[T0, 5]]],
      ],
    );
    assert.deepEqual((await run(backend, 'max(g)'))[0]?.points, [[T0, 5]]);
    assert.deepEqual((await run(backend, 'count(g{mode="user"})'))[0]?.points, [[T0, 2]]);
    assert.deepEqual((await run(backend, 'avg(g)'))[0]?.points, [[T0, 8 / 3]]);
  });

  it('returns no series for a metric nobody sent', async () => {
    assert.deepEqual(await run(await store([]), 'nothing_here'), []);
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { IngestBatch, MetricSample } from '../../model/index.ts';
import { parseLogQuery } from '../query/log-query.ts';
import type { RetentionPolicy, RetentionRequest, SeriesBuckets, StorageBackend } from './backend.ts';
import { backendOpener, DAY, log, logBatch, T0 } from './contract-fixtures.ts';
import { STORAGE_BACKENDS } from './registry.ts';

const ALL = parseLogQuery('');
const KEEP_ALL: RetentionPolicy = { logs_days: 30, events_days: 30, metrics_days: 30 };

function request(
  now: number,
  tenants: Record<string, RetentionPolicy>,
  horizonMs = 30 * DAY,
): RetentionRequest {
  return {
    now,
    tenants: new Map(Object.entries(tenants)),
    defaults: KEEP_ALL,
    batch_id_horizon_ms: horizonMs,
    chunk_rows: 100,
  };
}

let seq = 0;
function metricBatch(samples: MetricSample[], agent = 'agent-m'): IngestBatch {
  seq++;
  return {
    batch_id: `${agent}:${seq}`,
    agent_id: agent,
    seq,
    host: 'node-1',
    sent_ts: T0,
    metrics: samples,
    logs: [],
    events: [],
  };
}

function gauge(ts: number, value: number, host = 'node-1'): MetricSample {
  return { name: 'node_load1', labels: { host }, value, ts };
}

async function logCount(backend: StorageBackend, tenant: string): Promise<number> {
  const page = await backend.searchLogs(tenant, {
    query: ALL,
    from: 0,
    to: T0 + 100 * DAY,
    limit: 1000,
    order: 'oldest',
  });
  return page.records.length;
}

async function eventCount(backend: StorageBackend, tenant: string): Promise<number> {
  const page = await backend.searchEvents(tenant, { query: ALL, from: 0, to: T0 + 100 * DAY, limit: 1000 });
  return page.records.length;
}

const round = (series: SeriesBuckets[]) =>
  series.map((s) => ({
    ...s,
    buckets: s.buckets.map((b) => ({ ...b, sum: Math.round(b.sum * 1e6) / 1e6 })),
  }));

for (const [name, create] of Object.entries(STORAGE_BACKENDS)) {
  describe(`storage contract (retention, rollups, usage): ${name}`, () => {
    const opener = backendOpener(name, create);
    after(() => opener.dispose());

    it('keeps each tenant its own days of logs and events, and leaves the other tenant whole', async () => {
      const { backend } = opener.open();
      for (const tenant of ['short', 'long']) {
        for (let d = 0; d < 5; d++) {
          const ts = T0 + d * DAY;
          const batch = logBatch(
            [log(ts, `line ${d}`), log(ts + 1, `more ${d}`)],
            [{ ts, host: 'node-1', kind: 'container', action: 'die' }],
            `agent-${tenant}`,
          );
          await backend.writeBatch(tenant, batch, ts);
        }
      }
      // Now is day 5 noon: short keeps 2 days of logs (days 3, 4 survive) and 1 of events (day 4).
      const run = await backend.retain(
        request(T0 + 5 * DAY, { short: { logs_days: 2, events_days: 1, metrics_days: 30 } }),
      );
      assert.equal(await logCount(backend, 'short'), 4);
      assert.equal(await eventCount(backend, 'short'), 1);
      assert.equal(await logCount(backend, 'long'), 10);
      assert.equal(await eventCount(backend, 'long'), 5);
      assert.equal(run.logs_deleted + run.days_dropped * 0, 6, 'rows of days 0–2 of tenant short');
      const again = await backend.retain(
        request(T0 + 5 * DAY, { short: { logs_days: 2, events_days: 1, metrics_days: 30 } }),
      );
      assert.equal(again.logs_deleted, 0, 'a second run finds nothing more');
    });

    it("counts in a histogram none of the lines retention took from a tenant's day that stays", async () => {
      const { backend } = opener.open();
      for (const tenant of ['short', 'long']) {
        for (let d = 0; d < 3; d++) {
          const ts = T0 + d * DAY;
          await backend.writeBatch(tenant, logBatch([log(ts, `line ${d}`)], [], `agent-${tenant}`), ts);
        }
      }
      // Day 0 goes for short only; long keeps it, so the day stays.
      await backend.retain(
        request(T0 + 2 * DAY, { short: { logs_days: 1, events_days: 30, metrics_days: 30 } }),
      );
      const histogram = (tenant: string) =>
        backend.logHistogram(tenant, {
          query: parseLogQuery('line'),
          from: T0 - DAY,
          to: T0 + 3 * DAY,
          interval_ms: DAY,
        });
      const day0 = Math.floor(T0 / DAY) * DAY;
      const days = (counts: Array<{ ts: number; count: number }>) =>
        counts.map((c) => [(c.ts - day0) / DAY, c.count]);
      assert.deepEqual(days(await histogram('short')), [
        [1, 1],
        [2, 1],
      ]);
      assert.deepEqual(days(await histogram('long')), [
        [0, 1],
        [1, 1],
        [2, 1],
      ]);
      // A late line of short's into that day counts once, alone.
      await backend.writeBatch(
        'short',
        logBatch([log(T0 + 5, 'line late')], [], 'agent-short'),
        T0 + 2 * DAY,
      );
      assert.deepEqual(days(await histogram('short')), [
        [0, 1],
        [1, 1],
        [2, 1],
      ]);
    });

    it("drops metric samples past each tenant's metric retention", async () => {
      const { backend } = opener.open();
      for (const tenant of ['short', 'long']) {
        const samples = [0, 1, 2, 3].map((d) => gauge(T0 + d * DAY, d));
        await backend.writeBatch(tenant, metricBatch(samples, `agent-${tenant}`), T0);
      }
      const run = await backend.retain(
        request(T0 + 3 * DAY + 1000, { short: { ...KEEP_ALL, metrics_days: 2 } }),
      );
      assert.equal(run.samples_deleted, 2, 'the samples of days 0 and 1 are older than 2 days');
      const q = { name: 'node_load1', matchers: [], from: 0, to: T0 + 10 * DAY, step_ms: DAY };
      const values = async (tenant: string) =>
        (await backend.queryMetrics(tenant, q)).flatMap((s) => s.buckets.map((b) => b.max));
      assert.deepEqual(await values('short'), [2, 3]);
      assert.deepEqual(await values('long'), [0, 1, 2, 3]);
    });

    it('forgets batch ids past the horizon, so only those could be stored again', async () => {
      const { backend } = opener.open();
      const old = metricBatch([gauge(T0, 1)]);
      const recent = metricBatch([gauge(T0 + 1000, 2)]);
      await backend.writeBatch('default', old, T0 - 10 * DAY);
      await backend.writeBatch('default', recent, T0);
      const run = await backend.retain(request(T0, {}, 7 * DAY));
      assert.equal(run.batch_ids_deleted, 1);
      assert.deepEqual(await backend.writeBatch('default', recent, T0), { stored: false });
      assert.deepEqual(await backend.writeBatch('default', old, T0), { stored: true });
    });

    it('answers a long-range query from rollups exactly as from raw samples, late samples included', async () => {
      const { backend } = opener.open();
      const start = T0 - 3 * DAY;
      const samples: MetricSample[] = [];
      for (let ts = start, i = 0; ts < T0; ts += 60_000, i++) {
        samples.push(gauge(ts, (i * 37) % 101), gauge(ts, (i * 13) % 7, 'node-2'));
      }
      await backend.writeBatch('default', metricBatch(samples), T0);
      const q = {
        name: 'node_load1',
        matchers: [],
        from: start + 123_456,
        to: T0 - 654_321,
        step_ms: 3_600_000,
      };
      const raw = round(await backend.queryMetrics('default', q));
      await backend.rollup(T0);
      assert.deepEqual(round(await backend.queryMetrics('default', q)), raw);
      // A sample that arrives after its hour was rolled up is not lost from the rolled-up answer.
      await backend.writeBatch('default', metricBatch([gauge(start + 2 * 3_600_000 + 5, 1000)]), T0);
      const withLate = round(await backend.queryMetrics('default', { ...q, step_ms: 300_000 }));
      await backend.rollup(T0 + 1000);
      assert.deepEqual(round(await backend.queryMetrics('default', { ...q, step_ms: 300_000 })), withLate);
      assert.ok(withLate[0]!.buckets.some((b) => b.max === 1000));
    });

    it('counts a histogram exactly (everything, severities, terms), partial minutes at the edges included', async () => {
      const { backend } = opener.open();
      const midnight = Math.floor(T0 / DAY) * DAY + DAY;
      const lines = [];
      for (let i = 0; i < 400; i++) {
        const ts = midnight - 90 * 60_000 + i * 27_317.25;
        const severity = i % 5 === 0 ? undefined : i % 8;
        lines.push(log(ts, `line ${i}`, severity === undefined ? {} : { severity }));
      }
      await backend.writeBatch('hist', logBatch(lines.slice(0, 250), [], 'agent-h'), T0);
      await backend.writeBatch('hist', logBatch(lines.slice(250), [], 'agent-h'), T0);
      await backend.writeBatch('other', logBatch(lines.slice(0, 50), [], 'agent-o'), T0);
      const from = midnight - 80 * 60_000 + 17_500;
      const to = midnight + 60 * 60_000 - 23_250;
      const bySeverity: Array<[string, (severity: number | undefined) => boolean]> = [
        ['', () => true],
        ['severity:<=3', (s) => s !== undefined && s <= 3],
        ['NOT severity:6', (s) => s !== 6],
        ['severity:(err OR 7) OR NOT severity:*', (s) => s === 3 || s === 7 || s === undefined],
        // Full-text queries: every line says "line"; no line says "lines".
        ['line', () => true],
        ['line AND severity:<=3', (s) => s !== undefined && s <= 3],
        ['lines', () => false],
      ];
      for (const [[q, match], interval_ms] of bySeverity.flatMap((m) =>
        [60_000, 300_000, 3_600_000].map((i) => [m, i] as const),
      )) {
        const expected = new Map<string, number>();
        for (const l of lines) {
          if (l.ts < from || l.ts > to || !match(l.severity)) continue;
          const key = `${Math.floor(l.ts / interval_ms) * interval_ms}/${l.severity ?? null}`;
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        const got = await backend.logHistogram('hist', { query: parseLogQuery(q), from, to, interval_ms });
        assert.deepEqual(
          new Map(got.map((c) => [`${c.ts}/${c.severity}`, c.count])),
          expected,
          `q=${q} interval ${interval_ms}`,
        );
      }
    });

    it('reports usage per tenant', async () => {
      const { backend } = opener.open();
      await backend.writeBatch('a', logBatch([log(T0, 'one'), log(T0 + 1, 'two')], [], 'agent-ua'), T0);
      await backend.writeBatch('b', metricBatch([gauge(T0, 1)], 'agent-ub'), T0);
      const a = await backend.usage('a');
      const b = await backend.usage('b');
      assert.equal(a.logs, 2);
      assert.equal(a.metric_samples, 0);
      assert.equal(b.logs, 0);
      assert.equal(b.metric_samples, 1);
      if (name === 'sqlite') assert.ok(a.bytes > 0 && b.bytes > 0, JSON.stringify({ a, b }));
    });
  });
}

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { LogRecord, MetricSample } from '../../../model/index.ts';
import { MemoryBackend } from '../../storage/memory/memory-backend.ts';
import { HOUR_MS, MINUTE_MS } from '../anomaly/detector.ts';
import { gaussian, random } from '../anomaly/synthetic.ts';
import { engineHarness, waitFor, write, type Harness } from '../testing.ts';
import { linearFit } from './predictive-rule.ts';

const fast = { default_rules: false, group_wait_ms: 0, group_interval_ms: 30, repeat_interval_ms: 3_600_000 };
const STEP = 5 * MINUTE_MS;

/** Two days of a daily-seasonal gauge per host up to `end`, 5 minutes apart, seeded noise. */
function history(host: string, end: number, days = 2): MetricSample[] {
  const rand = random(host.length);
  const out: MetricSample[] = [];
  for (let ts = Math.floor(end / STEP) * STEP - days * 24 * HOUR_MS; ts < end - 30 * MINUTE_MS; ts += STEP) {
    const hour = (ts % 86_400_000) / HOUR_MS;
    const value = 50 + 20 * Math.sin((hour / 24) * 2 * Math.PI) + 2 * gaussian(rand);
    out.push({ name: 'node_cpu_usage_percent', labels: { host }, value, ts });
  }
  return out;
}

describe('anomaly, predictive and log-baseline rules', { timeout: 60_000 }, () => {
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());

  it('marks and alerts on the one series that leaves its learned daily pattern', async () => {
    const storage = new MemoryBackend();
    const now = Date.now();
    for (const host of ['calm', 'busy']) await write(storage, { metrics: history(host, now) }, host);
    const rule = {
      id: 'cpu',
      type: 'anomaly',
      query: 'node_cpu_usage_percent',
      min_history_ms: 24 * HOUR_MS,
      history_ms: 2 * 24 * HOUR_MS,
      summary: 'CPU {{value}} on {{host}}, baseline {{baseline}}',
    };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    const recent = (host: string, value: number): MetricSample[] =>
      [25, 20, 15, 10, 5, 0].map((ago) => ({
        name: 'node_cpu_usage_percent',
        labels: { host },
        value,
        ts: now - ago * MINUTE_MS,
      }));
    const hour = (now % 86_400_000) / HOUR_MS;
    const normal = 50 + 20 * Math.sin((hour / 24) * 2 * Math.PI);
    await write(storage, { metrics: [...recent('calm', normal), ...recent('busy', 200)] });
    await h.engine.evaluate();
    const sent = await waitFor(() => h!.notifier.sent[0], 3000, 'anomaly notification');
    assert.deepEqual(
      sent.alerts.map((a) => a.labels.host),
      ['busy'],
    );
    const baseline = sent.alerts[0]!.context?.baseline;
    assert.ok(baseline !== undefined && Math.abs(baseline - normal) < 10, `baseline ${baseline} ≈ ${normal}`);
    assert.match(sent.alerts[0]!.summary, /CPU 200 on busy, baseline \d/);
    const marks = h.engine.anomalies('default', { from: now - HOUR_MS, to: now, limit: 100 });
    assert.deepEqual([...new Set(marks.map((m) => m.host))], ['busy']);
    assert.ok(marks[0]!.score > 1);
    // A second evaluation of the same window extends the same mark, it adds none.
    await h.engine.evaluate();
    assert.equal(
      h.engine.anomalies('default', { from: now - HOUR_MS, to: now, limit: 100 }).length,
      marks.length,
    );
  });

  it('stays silent during cold start', async () => {
    const storage = new MemoryBackend();
    const now = Date.now();
    await write(storage, { metrics: history('new', now, 0.5) }, 'new');
    await write(storage, {
      metrics: [{ name: 'node_cpu_usage_percent', labels: { host: 'new' }, value: 500, ts: now }],
    });
    const rule = {
      id: 'cpu',
      type: 'anomaly',
      query: 'node_cpu_usage_percent',
      min_history_ms: 24 * HOUR_MS,
    };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    await h.engine.evaluate();
    assert.deepEqual(h.engine.anomalies('default', { from: 0, to: now, limit: 10 }), []);
    assert.equal(h.engine.alerts('default', ['pending', 'firing']).length, 0);
  });

  it('predicts a filesystem that fills within the horizon, not one that is steady', async () => {
    const storage = new MemoryBackend();
    const now = Date.now();
    const metrics: MetricSample[] = [];
    for (let ago = 6 * HOUR_MS; ago >= 0; ago -= STEP) {
      const ts = now - ago;
      // 60 GB free, losing 5 GB an hour: full in 12 h.
      metrics.push({
        name: 'node_filesystem_avail_bytes',
        labels: { host: 'a', mountpoint: '/var' },
        value: 60e9 - 5e9 * ((6 * HOUR_MS - ago) / HOUR_MS) + 30e9,
        ts,
      });
      metrics.push({
        name: 'node_filesystem_avail_bytes',
        labels: { host: 'a', mountpoint: '/' },
        value: 80e9 + (ago % (2 * STEP) === 0 ? 1e8 : 0),
        ts,
      });
    }
    await write(storage, { metrics });
    const rule = {
      id: 'disk',
      type: 'predictive',
      horizon_ms: 24 * HOUR_MS,
      summary: '{{mountpoint}} full in {{value_duration}}',
    };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    await h.engine.evaluate();
    const sent = await waitFor(() => h!.notifier.sent[0], 3000, 'disk notification');
    assert.deepEqual(
      sent.alerts.map((a) => a.labels.mountpoint),
      ['/var'],
    );
    assert.match(sent.alerts[0]!.summary, /\/var full in (11|12)\.\dh/);
  });

  it('alerts on a service whose error count rises far above its own baseline, per group_by field', async () => {
    const storage = new MemoryBackend();
    const now = Date.now();
    const logs: LogRecord[] = [];
    const log = (service: string, ts: number): LogRecord => ({
      ts,
      host: 'a',
      source: 'app',
      service,
      severity: 3,
      message: 'request failed',
    });
    // Two days: api logs 2 errors per 5 minutes, billing 30 (its normal).
    for (let ts = now - 2 * 24 * HOUR_MS; ts < now - 10 * MINUTE_MS; ts += STEP) {
      logs.push(log('api', ts), log('api', ts + 1000));
      for (let i = 0; i < 30; i += 1) logs.push(log('billing', ts + i * 1000));
    }
    for (let i = 0; i < 40; i += 1) logs.push(log('api', now - 60_000 + i * 1000));
    for (let i = 0; i < 30; i += 1) logs.push(log('billing', now - 60_000 + i * 1000));
    await write(storage, { logs }, 'a', now - 2 * 24 * HOUR_MS);
    const rule = {
      id: 'errors',
      type: 'log_count',
      mode: 'baseline',
      query: 'severity:<=3',
      group_by: ['service'],
      threshold: 20,
      min_history_ms: 24 * HOUR_MS,
      history_ms: 2 * 24 * HOUR_MS,
    };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    await h.engine.evaluate();
    const sent = await waitFor(() => h!.notifier.sent[0], 3000, 'error-rate notification');
    assert.deepEqual(
      sent.alerts.map((a) => [a.labels.service, a.value]),
      [['api', 40]],
    );
    assert.ok((sent.alerts[0]!.context?.baseline ?? 99) < 5);
  });

  it('fits a line exactly through collinear points', () => {
    const fit = linearFit(
      [
        [0, 10],
        [1000, 8],
        [2000, 6],
      ],
      2000,
    )!;
    assert.equal(fit.value, 6);
    assert.equal(fit.slope, -0.002);
    assert.equal(linearFit([[5, 1]], 5), undefined);
  });
});

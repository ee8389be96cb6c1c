import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MemoryBackend } from '../../storage/memory/memory-backend.ts';
import { parseMatcher } from '../matcher.ts';
import type { Matcher } from '../model.ts';
import { engineHarness, sleep, waitFor, write, type Harness } from '../testing.ts';
import { decide } from './dedup.ts';
import { backoff, withRetry } from './retry.ts';

describe('dedup stage', () => {
  const base = { send_resolved: true, repeat_interval_ms: 1000, now: 10_000 };
  it('sends a new group, a new firing alert, an owed resolve and a due repeat; nothing else', () => {
    assert.equal(decide({ ...base, firing: ['a'], resolved: [], previous: undefined }).send, true);
    const previous = { firing: ['a'], resolved: [], sent_at: 9_500 };
    assert.equal(decide({ ...base, firing: ['a'], resolved: [], previous }).send, false);
    assert.equal(decide({ ...base, firing: ['a', 'b'], resolved: [], previous }).send, true);
    assert.deepEqual(decide({ ...base, firing: [], resolved: ['a'], previous }), {
      send: true,
      resolved: ['a'],
    });
    assert.equal(
      decide({ ...base, firing: ['a'], resolved: [], previous: { ...previous, sent_at: 8_000 } }).send,
      true,
    );
  });
  it('owes no resolve for an alert the channel never heard of, nor with send_resolved off', () => {
    const previous = { firing: ['a'], resolved: [], sent_at: 9_500 };
    assert.deepEqual(decide({ ...base, firing: [], resolved: ['x'], previous }), {
      send: false,
      resolved: [],
    });
    assert.deepEqual(decide({ ...base, send_resolved: false, firing: [], resolved: ['a'], previous }), {
      send: false,
      resolved: [],
    });
  });
});

describe('retry stage', () => {
  const options = { initial_backoff_ms: 100, max_backoff_ms: 1000, max_attempts: 4 };
  it('backs off exponentially with jitter, capped, and honours Retry-After', () => {
    assert.equal(backoff(1, { ...options, random: () => 0 }), 50);
    assert.equal(backoff(1, { ...options, random: () => 1 }), 100);
    assert.equal(backoff(3, { ...options, random: () => 1 }), 400);
    assert.equal(backoff(10, { ...options, random: () => 1 }), 1000);
    assert.equal(backoff(1, { ...options, random: () => 0 }, 2000), 2000);
  });
  it('retries retryable outcomes until ok, and stops at failed or max_attempts', async () => {
    const fast = { initial_backoff_ms: 1, max_backoff_ms: 2, max_attempts: 4 };
    const script = [{ outcome: 'retryable', reason: '503' }, { outcome: 'ok' }] as const;
    const seen: string[] = [];
    let i = 0;
    const result = await withRetry(
      () => Promise.resolve(script[i++]!),
      fast,
      (n, r) => seen.push(`${n}:${r.outcome}`),
    );
    assert.equal(result.outcome, 'ok');
    assert.deepEqual(seen, ['1:retryable', '2:ok']);
    let calls = 0;
    const failed = await withRetry(
      () => Promise.resolve({ outcome: 'failed' as const, reason: '400' }),
      fast,
      () => calls++,
    );
    assert.equal(failed.outcome, 'failed');
    assert.equal(calls, 1);
    calls = 0;
    await withRetry(
      () => Promise.resolve({ outcome: 'retryable' as const, reason: 'x' }),
      fast,
      () => calls++,
    );
    assert.equal(calls, 4);
  });
});

describe('notification pipeline', { timeout: 20_000 }, () => {
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());
  const rule = { id: 'load', type: 'threshold', query: 'node_load1', comparison: '>', threshold: 4 };
  const config = {
    default_rules: false,
    rules: [rule],
    group_by: ['alertname'],
    group_wait_ms: 100,
    group_interval_ms: 50,
    retry_initial_backoff_ms: 5,
    retry_max_backoff_ms: 10,
  };
  const load = (host: string, value: number) => ({
    name: 'node_load1',
    labels: { host },
    value,
    ts: Date.now(),
  });

  it('groups alerts that arrive within group_wait into one notification', async () => {
    const storage = new MemoryBackend();
    h = await engineHarness(storage, config);
    await write(storage, { metrics: [load('a', 9), load('b', 9), load('c', 1)] });
    await h.engine.evaluate();
    const sent = await waitFor(() => h!.notifier.sent[0], 2000, 'grouped notification');
    assert.deepEqual(sent.alerts.map((a) => a.labels.host).sort(), ['a', 'b']);
    assert.deepEqual(sent.group_labels, { alertname: 'load' });
    await sleep(200);
    assert.equal(h.notifier.sent.length, 1, 'an unchanged group is not sent again before repeat_interval');
  });

  it('holds back silenced alerts and sends them once the silence expires', async () => {
    const storage = new MemoryBackend();
    h = await engineHarness(storage, config);
    const silence = h.engine.addSilence({
      tenant: 'default',
      matchers: [parseMatcher('host="a"') as Matcher],
      starts_at: Date.now(),
      ends_at: Date.now() + 60_000,
      created_by: 'test',
      comment: 'maintenance',
    });
    await write(storage, { metrics: [load('a', 9)] });
    await h.engine.evaluate();
    await sleep(300);
    assert.equal(h.notifier.sent.length, 0);
    assert.equal(h.engine.expireSilence('default', silence.id), true);
    await waitFor(() => h!.notifier.sent[0], 2000, 'notification after the silence');
  });

  it('retries a retryable delivery and records every attempt in the history', async () => {
    const storage = new MemoryBackend();
    h = await engineHarness(storage, config);
    h.notifier.answer(
      { outcome: 'retryable', reason: 'HTTP 503' },
      { outcome: 'retryable', reason: 'HTTP 503' },
    );
    await write(storage, { metrics: [load('a', 9)] });
    await h.engine.evaluate();
    await waitFor(() => h!.notifier.sent[0], 2000, 'delivery after retries');
    assert.equal(h.notifier.attempts.length, 3);
    const deliveries = h.engine
      .history('default', { from: 0, to: Date.now(), limit: 10 })
      .filter((e) => e.kind === 'notification')
      .map((e) => [e.channel, e.attempt, e.outcome])
      .reverse();
    assert.deepEqual(deliveries, [
      ['mem', 1, 'retrying'],
      ['mem', 2, 'retrying'],
      ['mem', 3, 'delivered'],
    ]);
  });
});

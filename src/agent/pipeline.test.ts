import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../core/logger.ts';
import { Telemetry } from '../core/telemetry.ts';
import type { MetricSample } from '../model/index.ts';
import { Pipeline, type PipelineOptions } from './pipeline.ts';
import { BatchSequence } from './sequence.ts';
import { MemorySink } from './sinks/memory/memory-sink.ts';

function samples(n: number, from = 0): MetricSample[] {
  return Array.from({ length: n }, (_, i) => ({
    name: 'm',
    labels: { i: String(from + i) },
    value: i,
    ts: 1000 + i,
  }));
}

function pipeline(sink: MemorySink, overrides: Partial<PipelineOptions> = {}) {
  const telemetry = new Telemetry();
  const p = new Pipeline({
    sink,
    sequence: new BatchSequence(mkdtempSync(path.join(os.tmpdir(), 'birdseye-seq-'))),
    hostName: 'node-1',
    version: 'test',
    telemetry,
    log: createLogger('silent', 'json'),
    maxQueueEvents: 1000,
    batchMaxEvents: 100,
    batchMaxWaitMs: 20,
    retryInitialBackoffMs: 5,
    retryMaxBackoffMs: 20,
    ...overrides,
  });
  p.start();
  return { p, telemetry };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition not reached in time');
};

describe('agent pipeline', () => {
  it('cuts full batches at once and the rest after the wait, with consecutive ids', async () => {
    const sink = new MemorySink();
    const { p } = pipeline(sink);
    p.accept({ metrics: samples(250) });
    await until(() => sink.delivered.length === 3);
    assert.deepEqual(
      sink.delivered.map((b) => b.metrics.length),
      [100, 100, 50],
    );
    const seqs = sink.delivered.map((b) => b.seq);
    assert.deepEqual(seqs, [seqs[0], seqs[0]! + 1, seqs[0]! + 2]);
    assert.ok(sink.delivered.every((b) => b.batch_id === `${b.agent_id}:${b.seq}` && b.host === 'node-1'));
    await p.stop(100);
  });

  it('retries a retryable batch with the same id until it is delivered', async () => {
    const sink = new MemorySink((_b, attempt) =>
      attempt < 4 ? { outcome: 'retryable', reason: 'HTTP 503' } : { outcome: 'ok' },
    );
    const { p, telemetry } = pipeline(sink);
    p.accept({ metrics: samples(3) });
    await until(() => sink.delivered.length === 1);
    assert.equal(sink.attempts.length, 4);
    assert.equal(new Set(sink.attempts.map((b) => b.batch_id)).size, 1);
    assert.equal(
      telemetry.get('component_sent_events_total', { component_kind: 'sink', component_id: 'memory' }),
      3,
    );
    await p.stop(100);
  });

  it('drops and counts a batch the receiver rejects, then goes on', async () => {
    const sink = new MemorySink((_b, attempt) =>
      attempt === 1 ? { outcome: 'failed', reason: 'HTTP 400' } : { outcome: 'ok' },
    );
    const { p, telemetry } = pipeline(sink);
    p.accept({ metrics: samples(2) });
    await until(() => sink.attempts.length === 1);
    p.accept({ metrics: samples(5) });
    await until(() => sink.delivered.length === 1);
    assert.equal(sink.delivered[0]?.metrics.length, 5);
    assert.equal(
      telemetry.get('component_discarded_events_total', {
        component_kind: 'sink',
        component_id: 'memory',
        reason: 'rejected',
      }),
      2,
    );
    await p.stop(100);
  });

  it('bounds the queue: past the limit new events are dropped and counted', async () => {
    const sink = new MemorySink(() => ({ outcome: 'retryable', reason: 'down' }));
    const { p, telemetry } = pipeline(sink, { maxQueueEvents: 150 });
    assert.equal(p.accept({ metrics: samples(100) }), true);
    assert.equal(p.accept({ metrics: samples(100) }), false);
    assert.equal(p.backlog, 150);
    assert.equal(
      telemetry.get('component_discarded_events_total', {
        component_kind: 'pipeline',
        component_id: 'default',
        reason: 'queue_full',
      }),
      50,
    );
    await p.stop(50);
  });

  it('ships what is queued on stop, and a second stop is harmless', async () => {
    const sink = new MemorySink();
    const { p } = pipeline(sink, { batchMaxWaitMs: 60_000 });
    p.accept({ metrics: samples(7) });
    await p.stop(1000);
    await p.stop(1000);
    assert.equal(sink.delivered.length, 1);
    assert.equal(p.backlog, 0);
  });

  it('counts what it could not ship before the stop deadline', async () => {
    const sink = new MemorySink(() => ({ outcome: 'retryable', reason: 'down' }));
    const { p, telemetry } = pipeline(sink, { batchMaxWaitMs: 60_000 });
    p.accept({ metrics: samples(9) });
    await p.stop(50);
    assert.equal(
      telemetry.get('component_discarded_events_total', {
        component_kind: 'pipeline',
        component_id: 'default',
        reason: 'shutdown',
      }),
      9,
    );
  });
});

describe('batch sequence', () => {
  it('never repeats a sequence number across restarts', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-seq-'));
    const first = new BatchSequence(dir);
    const used = [first.take(), first.take(), first.take()];
    const second = new BatchSequence(dir);
    assert.equal(second.agentId, first.agentId);
    assert.ok(second.take() > Math.max(...used));
  });
});

describe('agent pipeline acknowledgements', () => {
  it('calls onDurable only once the server acknowledged every record of that emit', async () => {
    let up = false;
    const sink = new MemorySink(() => (up ? { outcome: 'ok' } : { outcome: 'retryable', reason: 'down' }));
    const { p } = pipeline(sink, { batchMaxEvents: 4 });
    const durable: string[] = [];
    p.accept({ metrics: samples(6) }, () => durable.push('first'));
    p.accept({ metrics: samples(1) }, () => durable.push('second'));
    await until(() => sink.attempts.length >= 2);
    assert.deepEqual(durable, []);
    up = true;
    await until(() => sink.delivered.length === 2);
    assert.deepEqual(durable, ['first', 'second']);
    // The first emit spans both batches, so it is durable only with the second.
    assert.deepEqual(
      sink.delivered.map((b) => b.metrics.length),
      [4, 3],
    );
    await p.stop(100);
  });

  it('never calls onDurable for an emit that lost records to a full queue', async () => {
    const sink = new MemorySink();
    const { p } = pipeline(sink, { maxQueueEvents: 150, batchMaxEvents: 1000 });
    let called = false;
    assert.equal(
      p.accept({ metrics: samples(200) }, () => (called = true)),
      false,
    );
    await p.stop(500);
    assert.equal(sink.delivered[0]?.metrics.length, 150);
    assert.equal(called, false);
  });
});

describe('agent pipeline flow control', () => {
  it('says when there is room, and wakes waiters when acks free space', async () => {
    let up = false;
    const sink = new MemorySink(() => (up ? { outcome: 'ok' } : { outcome: 'retryable', reason: 'down' }));
    const { p } = pipeline(sink, { maxQueueEvents: 100, batchMaxEvents: 50 });
    assert.equal(p.room(100), undefined);
    p.accept({ metrics: samples(100) });
    const waiting = p.room(10);
    assert.ok(waiting instanceof Promise);
    let woke = false;
    void waiting.then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(woke, false);
    up = true;
    await until(() => woke);
    await until(() => p.room(10) === undefined);
    await p.stop(100);
  });
});

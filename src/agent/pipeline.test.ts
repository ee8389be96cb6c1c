import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Telemetry } from '../core/telemetry.ts';
import type { MetricSample } from '../model/index.ts';
import { BatchSequence } from './sequence.ts';
import { MemorySink } from './sinks/memory/memory-sink.ts';
import type { SendResult, Sink } from './sinks/sink.ts';
import { openTestPipeline } from './testing.ts';

function samples(n: number, from = 0): MetricSample[] {
  return Array.from({ length: n }, (_, i) => ({
    name: 'm',
    labels: { i: String(from + i) },
    value: i,
    ts: 1000 + from + i,
  }));
}

const until = async (check: () => boolean, what = 'condition') => {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), `${what} not reached in time`);
};

const discarded = (telemetry: Telemetry, kind: string, id: string, reason: string) =>
  telemetry.get('component_discarded_events_total', { component_kind: kind, component_id: id, reason });

describe('agent pipeline', () => {
  it('cuts full batches at once and the rest after the wait, with consecutive ids', async () => {
    const sink = new MemorySink();
    const p = await openTestPipeline(sink);
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
    const telemetry = new Telemetry();
    const p = await openTestPipeline(sink, { telemetry });
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
    const telemetry = new Telemetry();
    const p = await openTestPipeline(sink, { telemetry });
    p.accept({ metrics: samples(2) });
    await until(() => sink.attempts.length === 1);
    p.accept({ metrics: samples(5) });
    await until(() => sink.delivered.length === 1);
    assert.equal(sink.delivered[0]?.metrics.length, 5);
    assert.equal(discarded(telemetry, 'sink', 'memory', 'rejected'), 2);
    await p.stop(100);
  });

  it('bounds what waits in memory: past the limit new records are dropped and counted', async () => {
    const sink = new MemorySink();
    const telemetry = new Telemetry();
    // Nothing is cut before the wait is over, so everything stays in memory.
    const p = await openTestPipeline(sink, {
      telemetry,
      maxQueueEvents: 150,
      batchMaxEvents: 1000,
      batchMaxWaitMs: 60_000,
    });
    assert.equal(p.accept({ metrics: samples(100) }), true);
    assert.equal(p.accept({ metrics: samples(100) }), false);
    assert.equal(p.backlog, 150);
    assert.equal(discarded(telemetry, 'pipeline', 'default', 'queue_full'), 50);
    assert.match(telemetry.render(), /agent_queue_events\{pipeline="default"\} 150/);
    await p.stop(1000);
    assert.equal(sink.delivered[0]?.metrics.length, 150);
  });

  it('tells waiting sources when there is room again', async () => {
    const sink = new MemorySink();
    const p = await openTestPipeline(sink, { maxQueueEvents: 100, batchMaxEvents: 1000, batchMaxWaitMs: 50 });
    assert.equal(p.room(100), undefined);
    p.accept({ metrics: samples(100) });
    const waiting = p.room(10);
    assert.ok(waiting instanceof Promise);
    await waiting;
    assert.equal(p.room(10), undefined);
    await p.stop(1000);
  });

  it('holds waiting sources to the pace of a sink that keeps up, and not to one that fails', async () => {
    let outcome: SendResult = { outcome: 'ok' };
    let open = () => {};
    let gate = new Promise<void>((resolve) => (open = resolve));
    const sink: Sink = {
      kind: 'slow',
      id: 'slow',
      send: async () => {
        await gate;
        return outcome;
      },
      close: () => Promise.resolve(),
    };
    // Batches of 10: four of them are kept in memory for the shipper.
    const p = await openTestPipeline(sink, { maxQueueEvents: 1000, batchMaxEvents: 10 });
    let emitted = 0;
    const emitWhileRoom = async () => {
      while (p.room(10) === undefined && emitted < 500) {
        p.accept({ metrics: samples(10, emitted) });
        emitted += 10;
        await until(() => p.backlog === 0, 'the batch on disk');
      }
    };
    await emitWhileRoom();
    // One batch is in the sink's hands, four wait in memory: the source waits for the sink.
    assert.equal(emitted, 50);
    const waiting = p.room(10);
    assert.ok(waiting instanceof Promise);
    open();
    await waiting;
    assert.equal(p.room(10), undefined, 'a delivery makes room');
    // Down: the shipper retries and no longer sets the pace; the disk buffer takes what comes.
    outcome = { outcome: 'retryable', reason: 'down' };
    gate = new Promise<void>((resolve) => (open = resolve));
    await emitWhileRoom();
    open();
    await emitWhileRoom();
    assert.equal(emitted, 500);
    await p.stop(50);
  });

  it('sends up to maxInFlight batches at once and acknowledges none past one still retried', async () => {
    let inFlight = 0;
    let most = 0;
    let firstDown = true;
    let retries = 0;
    const delivered: string[] = [];
    const sink: Sink = {
      kind: 'concurrent',
      id: 'concurrent',
      maxInFlight: 2,
      send: async (batch) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        if (batch.id.endsWith(':0') && firstDown) {
          retries++;
          return { outcome: 'retryable', reason: 'busy' };
        }
        delivered.push(batch.id);
        return { outcome: 'ok' };
      },
      close: () => Promise.resolve(),
    };
    const p = await openTestPipeline(sink, { batchMaxEvents: 10, retryInitialBackoffMs: 50 });
    p.accept({ metrics: samples(40) });
    // The first batch is retried; of those after it, only one more fits in flight.
    await until(() => retries >= 3, 'retries of the first batch');
    assert.equal(most, 2);
    assert.equal(delivered.length, 1);
    assert.equal(p.buffer.stats().acked_id, 0, 'nothing acknowledged while the first is retried');
    firstDown = false;
    await until(() => p.buffer.stats().acked_id === 4, 'all four acknowledged');
    assert.equal(delivered.length, 4);
    await p.stop(100);
  });

  it('ships what is staged on stop, and a second stop is harmless', async () => {
    const sink = new MemorySink();
    const p = await openTestPipeline(sink, { batchMaxWaitMs: 60_000 });
    p.accept({ metrics: samples(7) });
    await p.stop(1000);
    await p.stop(1000);
    assert.equal(sink.delivered.length, 1);
    assert.equal(p.backlog, 0);
  });
});

describe('agent pipeline durability', () => {
  it('acknowledges sources once their records are on disk, even while the server is down', async () => {
    const sink = new MemorySink(() => ({ outcome: 'retryable', reason: 'down' }));
    const p = await openTestPipeline(sink, { batchMaxEvents: 4 });
    const durable: string[] = [];
    p.accept({ metrics: samples(6) }, () => durable.push('first'));
    p.accept({ metrics: samples(1) }, () => durable.push('second'));
    await until(() => durable.length === 2, 'both acknowledgements');
    assert.deepEqual(durable, ['first', 'second']);
    assert.equal(sink.delivered.length, 0);
    await p.stop(50);
  });

  it('never acknowledges an emit that lost records to a full queue', async () => {
    const sink = new MemorySink();
    const p = await openTestPipeline(sink, { maxQueueEvents: 150, batchMaxEvents: 1000 });
    let called = false;
    assert.equal(
      p.accept({ metrics: samples(200) }, () => (called = true)),
      false,
    );
    await p.stop(1000);
    assert.equal(sink.delivered[0]?.metrics.length, 150);
    assert.equal(called, false);
  });

  it('resends what the server never acknowledged after a restart, with the same batch ids', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-pipeline-'));
    const down = new MemorySink(() => ({ outcome: 'retryable', reason: 'down' }));
    const first = await openTestPipeline(down, { stateDir, batchMaxEvents: 10 });
    let durable = 0;
    for (const [n, from] of [
      [10, 0],
      [10, 10],
      [5, 20],
    ] as const)
      first.accept({ metrics: samples(n, from) }, () => durable++);
    await until(() => durable === 3, 'records on disk');
    await first.stop(50);
    const sentBefore = new Set(down.attempts.map((b) => b.batch_id));

    const up = new MemorySink();
    const second = await openTestPipeline(up, { stateDir, batchMaxEvents: 10 });
    await until(() => up.delivered.length === 3, 'the buffered batches');
    assert.deepEqual(
      up.delivered.flatMap((b) => b.metrics.map((m) => m.labels.i)),
      samples(25).map((m) => m.labels.i),
    );
    for (const id of sentBefore)
      assert.ok(
        up.delivered.some((b) => b.batch_id === id),
        `${id} resent`,
      );
    await second.stop(100);
  });

  it("keeps each source's checkpoint with its records, for a restart that finds them buffered", async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-pipeline-'));
    const down = new MemorySink(() => ({ outcome: 'retryable', reason: 'down' }));
    const first = await openTestPipeline(down, { stateDir, batchMaxEvents: 10 });
    const emit = first.emitFor('journald');
    emit({ metrics: samples(5), checkpoint: 'cursor-5' });
    emit({ metrics: samples(5, 5), checkpoint: 'cursor-10' });
    first.emitFor('other')({ metrics: samples(1, 10), checkpoint: 'o-1' });
    const docker = first.emitFor('docker');
    docker({ metrics: samples(1, 11), checkpoint: 'a-1', checkpointKey: 'a' });
    docker({ metrics: samples(1, 12), checkpoint: 'b-1', checkpointKey: 'b' });
    docker({ metrics: samples(1, 13), checkpoint: 'a-2', checkpointKey: 'a' });
    await first.stop(50);

    const up = new MemorySink();
    const second = await openTestPipeline(up, { stateDir, batchMaxEvents: 10 });
    assert.equal(second.flow('journald').recoveredCheckpoint, 'cursor-10');
    assert.equal(second.flow('other').recoveredCheckpoint, 'o-1');
    assert.deepEqual(
      [...second.flow('docker').recoveredCheckpoints!],
      [
        ['a', 'a-2'],
        ['b', 'b-1'],
      ],
    );
    assert.equal(second.flow('docker').recoveredCheckpoint, undefined);
    assert.equal(second.flow('journald').recoveredCheckpoints!.size, 0);
    await until(() => up.delivered.reduce((n, b) => n + b.metrics.length, 0) === 14, 'the buffered records');
    await second.stop(1000);
    // Delivered and acknowledged: nothing is recovered any more.
    const third = await openTestPipeline(new MemorySink(), { stateDir });
    assert.equal(third.flow('journald').recoveredCheckpoint, undefined);
    await third.stop(50);
  });

  it('never splits a chunk that carries a position across batches; other chunks fill batches', async () => {
    const sink = new MemorySink();
    const p = await openTestPipeline(sink, { batchMaxEvents: 10, batchMaxWaitMs: 20 });
    const emit = p.emitFor('journald');
    // Chunks of 6 with a position (ids 0-29), one of 14 (30-43), then 25 without one (44-68).
    for (let c = 0; c < 5; c++) emit({ metrics: samples(6, c * 6), checkpoint: `c-${c}` });
    emit({ metrics: samples(14, 30), checkpoint: 'c-5' });
    emit({ metrics: samples(25, 44) });
    const total = () => sink.delivered.reduce((n, b) => n + b.metrics.length, 0);
    await until(() => total() === 69, 'every record');
    const batches = sink.delivered.map((b) => b.metrics.map((m) => m.ts - 1000));
    const chunkOf = (v: number) => (v < 30 ? Math.floor(v / 6) : v < 44 ? 5 : undefined);
    for (let c = 0; c <= 5; c++) {
      const holding = batches.filter((values) => values.some((v) => chunkOf(v) === c));
      assert.equal(holding.length, 1, `chunk ${c} is in ${holding.length} batches`);
    }
    assert.ok(
      batches.some((values) => values.length === 14),
      'the 14-record chunk is one batch',
    );
    const plain = batches.flat().filter((v) => v >= 44);
    assert.deepEqual(
      plain,
      [...Array(25).keys()].map((i) => i + 44),
      'in order, once',
    );
    assert.ok(batches.every((values) => values.length <= 14));
    await p.stop(100);
  });

  it('with when_full: drop_newest, a full disk buffer drops and counts whole batches', async () => {
    const sink = new MemorySink(() => ({ outcome: 'retryable', reason: 'down' }));
    const telemetry = new Telemetry();
    const p = await openTestPipeline(sink, {
      telemetry,
      batchMaxEvents: 50,
      buffer: { max_size_bytes: 64 * 1024, max_segment_bytes: 4096, when_full: 'drop_newest' },
    });
    // Random label values keep the batches from compressing away.
    for (let i = 0; i < 400; i++) {
      await p.room(50);
      p.accept({
        metrics: samples(50, i * 50).map((m) => ({
          ...m,
          labels: { i: Math.random().toString(36).repeat(4) },
        })),
      });
    }
    await p.stop(50);
    assert.ok(discarded(telemetry, 'pipeline', 'default', 'buffer_full') > 0);
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

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeBatch, type EncodedBatch } from '../../src/agent/encoded-batch.ts';
import type { SendResult, Sink } from '../../src/agent/sinks/sink.ts';
import { journaldSchema } from '../../src/agent/sources/journald/config.ts';
import { JournaldSource } from '../../src/agent/sources/journald/journald.ts';
import { openTestPipeline } from '../../src/agent/testing.ts';
import { createLogger } from '../../src/core/logger.ts';
import { Telemetry } from '../../src/core/telemetry.ts';
import { numbered, TestJournal } from '../helpers/journald.ts';

/**
 * A kill -9 of the agent at each moment a batch reaches the server, played deterministically: the
 * sink copies the agent's state directory (disk buffer, cursor file, batch sequence) the instant a
 * batch is handed to it — before anything else of the agent runs — which is what the disk holds
 * if the agent is killed right then. An agent started on each copy must bring the server to every
 * entry exactly once (the server keeps a batch id once, as the real one does).
 */

const ENTRIES = 150;
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Crash {
  stateDir: string;
  /** Batch ids and entry numbers the server had received at that moment. */
  received: Array<{ id: string; entries: number[] }>;
}

/** A "server" that records what it receives, and optionally a crash copy at each arrival. */
class RecordingSink implements Sink {
  readonly kind = 'memory';
  readonly id = 'memory';
  readonly received: Array<{ id: string; entries: number[] }> = [];
  readonly crashes: Crash[] = [];

  constructor(private readonly crashCopyOf?: string) {}

  async send(batch: EncodedBatch): Promise<SendResult> {
    // Synchronously, before the first await: nothing else of the agent has run since the shipper
    // read this batch from the disk buffer.
    let crash: Crash | undefined;
    if (this.crashCopyOf !== undefined) {
      crash = { stateDir: tmp('birdseye-journald-crash-'), received: [] };
      cpSync(this.crashCopyOf, crash.stateDir, { recursive: true });
      this.crashes.push(crash);
    }
    const decoded = await decodeBatch(batch);
    this.received.push({ id: batch.id, entries: decoded.logs.map((r) => Number(r.fields?.N)) });
    if (crash) crash.received = this.received.slice();
    return { outcome: 'ok' };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  get max(): number {
    return Math.max(0, ...this.received.flatMap((b) => b.entries));
  }
}

async function follow(journalDir: string, stateDir: string, sink: RecordingSink) {
  const telemetry = new Telemetry();
  const log = createLogger('silent', 'json');
  // Small batches, so the pipeline cuts batches in the middle of what the source emits at once.
  const pipeline = await openTestPipeline(sink, {
    stateDir,
    telemetry,
    log,
    maxQueueEvents: 100,
    batchMaxEvents: 7,
  });
  const config = journaldSchema.parse({ directory: journalDir, restart_initial_backoff_ms: 50 });
  const source = new JournaldSource(config, { hostName: 'node-1', log, stateDir, telemetry });
  source.start(pipeline.emitFor(source.id), pipeline.flow(source.id));
  return async () => {
    await source.stop();
    await pipeline.stop(2_000);
  };
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && !check();) await sleep(20);
  assert.ok(check(), `timed out waiting for ${what}`);
}

describe('journald source killed right after any batch reached the server', { timeout: 300_000 }, () => {
  const cleanup: Array<() => void> = [];
  after(() => cleanup.forEach((remove) => remove()));

  it('resumes with every entry delivered exactly once, whichever batch the kill followed', async () => {
    const journal = new TestJournal();
    cleanup.push(() => journal.remove());
    journal.write(numbered(1, ENTRIES));
    const stateDir = tmp('birdseye-journald-state-');
    const first = new RecordingSink(stateDir);
    const stop = await follow(journal.dir, stateDir, first);
    await until(() => first.max === ENTRIES, `${ENTRIES} entries`);
    await stop();
    cleanup.push(() => first.crashes.forEach((c) => rmSync(c.stateDir, { recursive: true, force: true })));
    assert.ok(first.crashes.length >= ENTRIES / 7, `${first.crashes.length} batches`);

    const failures: string[] = [];
    for (const [i, crash] of first.crashes.entries()) {
      const second = new RecordingSink();
      const stopAgain = await follow(journal.dir, crash.stateDir, second);
      await until(() => second.max === ENTRIES, `entries after crash ${i}`);
      await sleep(100);
      await stopAgain();
      // The server's view: each batch id stored once, in arrival order.
      const stored = new Map<string, number[]>();
      for (const batch of [...crash.received, ...second.received])
        if (!stored.has(batch.id)) stored.set(batch.id, batch.entries);
      const entries = [...stored.values()].flat();
      const repeated = entries.filter((n, k) => entries.indexOf(n) !== k);
      const missing = Array.from({ length: ENTRIES }, (_, k) => k + 1).filter((n) => !entries.includes(n));
      if (repeated.length > 0 || missing.length > 0) {
        const before = crash.received.map((b) => `${b.id.split(':')[1]}:[${b.entries.join(',')}]`).join(' ');
        failures.push(
          `kill after batch ${i + 1}: repeated ${JSON.stringify(repeated)}, missing ${JSON.stringify(missing)}; server had ${before}`,
        );
      }
    }
    assert.deepEqual(failures, []);
  });
});

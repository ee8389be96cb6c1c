import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openTestPipeline } from '../../src/agent/testing.ts';
import { MemorySink } from '../../src/agent/sinks/memory/memory-sink.ts';
import type { SendResult } from '../../src/agent/sinks/sink.ts';
import { journaldSchema, type JournaldConfig } from '../../src/agent/sources/journald/config.ts';
import { JournaldSource } from '../../src/agent/sources/journald/journald.ts';
import { createLogger } from '../../src/core/logger.ts';
import { Telemetry } from '../../src/core/telemetry.ts';
import type { IngestBatch, LogRecord } from '../../src/model/index.ts';
import { BOOT_A, BOOT_B, numbered, TestJournal } from '../helpers/journald.ts';

/**
 * The journald source against real journal files and the real journalctl, feeding the real
 * pipeline. The kill -9 case runs source + pipeline in a child process (this file, with
 * JOURNALD_CHILD set) whose sink appends every batch it receives to a file; like the server, the
 * reader keeps each batch id once (a batch sent but not acknowledged before a kill is resent).
 */

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && !check();) await sleep(20);
  assert.ok(check(), `timed out waiting for ${what}`);
}

/** Every run's stop, so a failed assertion leaves no journalctl behind (stop is safe twice). */
const running: Array<() => Promise<void>> = [];

async function run(
  dir: string,
  stateDir: string,
  overrides: Partial<JournaldConfig> = {},
  sink = new MemorySink(),
  batchMaxWaitMs?: number,
) {
  const telemetry = new Telemetry();
  const log = createLogger('silent', 'json');
  const pipeline = await openTestPipeline(sink, {
    stateDir,
    telemetry,
    log,
    maxQueueEvents: 100,
    batchMaxEvents: 50,
    retryMaxBackoffMs: 50,
    ...(batchMaxWaitMs !== undefined && { batchMaxWaitMs }),
  });
  const config = journaldSchema.parse({ directory: dir, restart_initial_backoff_ms: 50, ...overrides });
  const source = new JournaldSource(config, { hostName: 'node-1', log, stateDir, telemetry });
  source.start(pipeline.emitFor(source.id), pipeline.flow(source.id));
  const logs = () => sink.delivered.flatMap((batch) => batch.logs);
  const stop = async () => {
    await source.stop();
    await pipeline.stop(2_000);
  };
  running.push(stop);
  return { source, pipeline, sink, telemetry, logs, stop };
}

const numbers = (logs: LogRecord[]) => logs.map((r) => Number(r.fields?.N));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

if (process.env.JOURNALD_CHILD) {
  // Child mode: follow the journal until killed; the "server" is an append-only file.
  const { dir, stateDir, out } = JSON.parse(process.env.JOURNALD_CHILD) as {
    dir: string;
    stateDir: string;
    out: string;
  };
  const sink = new MemorySink((batch: IngestBatch): SendResult => {
    const lines = batch.logs.map(
      (r) => JSON.stringify({ b: batch.batch_id, n: Number(r.fields?.N), ts: r.ts }) + '\n',
    );
    appendFileSync(out, lines.join(''));
    return { outcome: 'ok' };
  });
  void run(dir, stateDir, {}, sink);
} else {
  describe('journald source (real journal files, real journalctl)', { timeout: 60_000 }, () => {
    const journals: TestJournal[] = [];
    const journal = () => {
      const j = new TestJournal();
      journals.push(j);
      return j;
    };
    after(async () => {
      await Promise.all(running.map((stop) => stop()));
      journals.forEach((j) => j.remove());
    });

    it('resumes after the last acknowledged cursor: every entry once, in order, microseconds exact', async () => {
      const j = journal();
      const stateDir = tmp('birdseye-journald-state-');
      const written = numbered(1, 40);
      written.push({
        message: Buffer.from([0x62, 0x69, 0x6e, 0x01, 0xff, 0x0a, 0x7a]),
        realtimeUs: 1_750_000_000_045_678n,
        fields: { N: '41' },
      });
      j.write(written);
      const first = await run(j.dir, stateDir);
      await until(() => first.logs().length === 41, '41 entries');
      await first.stop();
      const cursor = readFileSync(path.join(stateDir, 'journald.cursor'), 'utf8').trim();
      assert.equal(cursor, first.logs().at(-1)!.fields?.__CURSOR);

      j.write(numbered(42, 90)); // while the source is stopped
      const second = await run(j.dir, stateDir);
      await until(() => second.logs().length >= 49, 'entries 42–90');
      await sleep(200);
      await second.stop();
      const all = [...first.logs(), ...second.logs()];
      assert.deepEqual(numbers(all), range(1, 90));
      // 1_750_000_000_000_000 µs + n × 1001 µs, as milliseconds with the microseconds as fraction.
      assert.equal(all[0]!.ts, 1_750_000_000_001.001);
      assert.equal(all[89]!.ts, 1_750_000_000_090.09);
      assert.equal(all[40]!.message, 'bin\u0001\ufffd\nz');
      assert.equal(all[40]!.ts, 1_750_000_000_045.678);
      assert.ok(
        all.every((r) => r.source === 'journald' && r.severity === 6 && r.service === 'birdseye-test'),
      );
      assert.equal(all[0]!.fields?._BOOT_ID, BOOT_B);
      assert.equal(second.telemetry.get('journald_cursor_gaps_total', { reason: 'cursor_not_found' }), 0);
    });

    it('begins a first start at the start of the current boot, or at now', async () => {
      const j = journal();
      j.write(numbered(1, 5, BOOT_A, 1_740_000_000_000_000n));
      j.write(numbered(6, 10, BOOT_B));
      const boot = await run(j.dir, tmp('birdseye-journald-state-'), { start_at: 'boot' });
      await until(() => boot.logs().length >= 5, 'the current boot');
      await sleep(200);
      await boot.stop();
      assert.deepEqual(numbers(boot.logs()), range(6, 10));

      const now = await run(j.dir, tmp('birdseye-journald-state-'), { start_at: 'now' });
      await sleep(700); // journalctl is at the end of the journal once it has started
      j.write(numbered(11, 13));
      await until(() => now.logs().length >= 3, 'new entries');
      await sleep(200);
      await now.stop();
      assert.deepEqual(numbers(now.logs()), [11, 12, 13]);
    });

    it('resumes at the oldest entry with a counted gap when the cursor was vacuumed or is invalid', async () => {
      const j = journal();
      const stateDir = tmp('birdseye-journald-state-');
      j.write(numbered(1, 5));
      const first = await run(j.dir, stateDir);
      await until(() => first.logs().length === 5, 'first file');
      await first.stop();
      j.rotate();
      j.write(numbered(6, 10));
      j.vacuum(); // entry 5, the cursor's, is gone with its file
      const second = await run(j.dir, stateDir);
      await until(() => second.logs().length >= 5, 'the surviving file');
      await sleep(200);
      await second.stop();
      // journalctl --after-cursor would have skipped entry 6 here.
      assert.deepEqual(numbers(second.logs()), range(6, 10));
      assert.equal(second.telemetry.get('journald_cursor_gaps_total', { reason: 'cursor_not_found' }), 1);

      writeFileSync(path.join(stateDir, 'journald.cursor'), 'not a cursor\n');
      const third = await run(j.dir, stateDir);
      await until(() => third.logs().length >= 5, 'everything after an invalid cursor');
      await third.stop();
      assert.deepEqual(numbers(third.logs()), range(6, 10));
      assert.equal(third.telemetry.get('journald_cursor_gaps_total', { reason: 'invalid_cursor' }), 1);
    });

    it('sends the end of a backlog once journalctl goes quiet; a trickle is still batched by time', async () => {
      const j = journal();
      j.write(numbered(1, 120));
      const r = await run(j.dir, tmp('birdseye-journald-state-'), {}, new MemorySink(), 60_000);
      // Two full batches of 50, then the last 20 without waiting out the minute.
      await until(() => r.logs().length === 120, 'the end of the backlog');
      j.write(numbered(121, 123));
      await sleep(500);
      assert.equal(r.logs().length, 120, 'a trickle waits for batch_max_wait_ms');
      await r.stop();
      assert.deepEqual(numbers(r.logs()), range(1, 123));
    });

    it('keeps reading into the disk buffer while the server is down, losing and reordering nothing', async () => {
      const j = journal();
      j.write(numbered(1, 600));
      let refuse = true;
      const sink = new MemorySink(() =>
        refuse ? { outcome: 'retryable', reason: 'down' } : { outcome: 'ok' },
      );
      const r = await run(j.dir, tmp('birdseye-journald-state-'), {}, sink);
      // The server is down: entries wait in the disk buffer; memory holds at most the queue (100).
      await until(() => r.pipeline.buffer.stats().entries >= 12, 'every entry on disk');
      assert.ok(r.pipeline.backlog <= 100, `backlog ${r.pipeline.backlog}`);
      refuse = false;
      await until(() => r.logs().length === 600, '600 entries');
      await r.stop();
      assert.deepEqual(numbers(r.logs()), range(1, 600));
      const discarded = { component_kind: 'pipeline', component_id: 'default', reason: 'queue_full' };
      assert.equal(r.telemetry.get('component_discarded_events_total', discarded), 0);
    });

    it('delivers every entry exactly once across repeated kill -9 of the agent', async () => {
      const j = journal();
      const stateDir = tmp('birdseye-journald-state-');
      const out = path.join(stateDir, 'delivered.jsonl');
      const env = { ...process.env, JOURNALD_CHILD: JSON.stringify({ dir: j.dir, stateDir, out }) };
      const file = new URL(import.meta.url).pathname;
      const delivered = () =>
        existsSync(out)
          ? readFileSync(out, 'utf8')
              .trim()
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l) as { b: string; n: number; ts: number })
              .filter((e, _i, all) => all.find((x) => x.b === e.b && x.n === e.n) === e)
          : [];
      const total = 400;
      let next = 1;
      for (let round = 0; round < 5; round++) {
        const child = spawn(process.execPath, ['--import', 'tsx', file], { env, stdio: 'ignore' });
        const to = Math.min(total, next + 79);
        j.write(numbered(next, to)); // written while the agent starts, runs and dies
        next = to + 1;
        await sleep(400 + Math.random() * 600);
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      const last = spawn(process.execPath, ['--import', 'tsx', file], { env, stdio: 'ignore' });
      try {
        await until(() => delivered().length >= total, `${total} entries`, 20_000);
        await sleep(300);
      } finally {
        last.kill('SIGKILL');
      }
      const got = delivered();
      assert.deepEqual(
        got.map((e) => e.n),
        range(1, total),
      );
      assert.equal(
        got[total - 1]!.ts,
        Number(
          `1750000000${String(total * 1001)
            .padStart(6, '0')
            .slice(0, 3)}.${String(total * 1001).slice(-3)}`,
        ),
      );
    });
  });
}

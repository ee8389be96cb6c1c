/**
 * The agent's side of journald forwarding, piece by piece, on one journal directory of
 * `BENCH_JOURNALD_SOURCE_ENTRIES` (default 200,000) entries shaped like systemd-cat's (written with
 * systemd-journal-remote, as the tests do):
 * - the ceiling: `journalctl --output=json|export --directory D` into /dev/null, its own CPU;
 * - the journald source alone (journalctl → frames → records → emit into nothing);
 * - the source feeding the real pipeline (staging, batches, gzip, disk buffer) and a sink that
 *   acknowledges at once, so no server is measured.
 * Each figure is entries/s on the wall clock and entries per CPU-second of node and of journalctl,
 * with the load average, since the machine is shared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { journaldSchema } from '../src/agent/sources/journald/config.ts';
import { JournaldSource } from '../src/agent/sources/journald/journald.ts';
import { MemorySink } from '../src/agent/sinks/memory/memory-sink.ts';
import { openTestPipeline } from '../src/agent/testing.ts';
import { createLogger } from '../src/core/logger.ts';
import { Telemetry } from '../src/core/telemetry.ts';
import { TestJournal, type TestEntry } from '../test/helpers/journald.ts';
import { cpuSeconds } from './process-stats.ts';

const ENTRIES = Number(process.env.BENCH_JOURNALD_SOURCE_ENTRIES ?? 200_000);
const TICKS_PER_SECOND = 100; // USER_HZ
const load = () => os.loadavg()[0]!.toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fields journald adds to a line written by systemd-cat (cf. test/fixtures/parse/journal-json). */
function entries(from: number, count: number): TestEntry[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    return {
      message: `bench entry ${n} GET /api/v1/items?page=${n % 97} 200 ${n % 1000}ms`,
      realtimeUs: 1_750_000_000_000_000n + BigInt(n) * 37n,
      fields: {
        _MACHINE_ID: '3d1219c7c4c5404aaa1f6d2a48adfda4',
        _RUNTIME_SCOPE: 'system',
        _CAP_EFFECTIVE: '1fffeffffff',
        _GID: '0',
        _UID: '0',
        _TRANSPORT: 'stdout',
        _STREAM_ID: '628b46c91b334cefbc71934aeda22dc3',
        _COMM: 'cat',
        _PID: String(5000 + (n % 50)),
        N: String(n),
      },
    };
  });
}

function nodeCpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function report(what: string, seconds: number, node: number | undefined, journalctl: number): void {
  const perCpu = (cpu: number) => (cpu > 0 ? Math.round(ENTRIES / cpu).toLocaleString('en') : '–');
  console.log(
    `journald source bench, ${what}: ${Math.round(ENTRIES / seconds).toLocaleString('en')} entries/s ` +
      `(${seconds.toFixed(2)} s); per CPU-second: ` +
      (node === undefined ? '' : `node ${perCpu(node)} (${node.toFixed(2)} s), `) +
      `journalctl ${perCpu(journalctl)} (${journalctl.toFixed(2)} s); load average ${load()}`,
  );
}

/** journalctl alone: its output into /dev/null; the shell reports its child's CPU (cutime + cstime). */
function ceiling(dir: string, output: 'json' | 'export'): void {
  const start = performance.now();
  const out = spawnSync(
    'sh',
    [
      '-c',
      `journalctl --output=${output} --all --no-pager --directory=${dir} > /dev/null; cat /proc/$$/stat`,
    ],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - start) / 1000;
  const fields = out.stdout.slice(out.stdout.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  report(`journalctl --output=${output} alone`, seconds, undefined, cpu);
}

async function source(dir: string, withPipeline: boolean): Promise<void> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-jsource-'));
  const telemetry = new Telemetry();
  const log = createLogger('silent', 'json');
  const config = journaldSchema.parse({ directory: dir, start_at: 'boot' });
  const src = new JournaldSource(config, { hostName: 'bench', log, stateDir, telemetry });
  let count = 0;
  const sink = new MemorySink();
  const pipeline = withPipeline
    ? await openTestPipeline(
        {
          kind: 'null',
          id: 'null',
          send: (batch) => {
            count += batch.events;
            return Promise.resolve({ outcome: 'ok' });
          },
          close: () => sink.close(),
        },
        { stateDir, telemetry, log, maxQueueEvents: 100_000, batchMaxEvents: 5_000, batchMaxWaitMs: 1_000 },
      )
    : undefined;
  const cpu0 = nodeCpu();
  const start = performance.now();
  if (pipeline) src.start(pipeline.emitFor(src.id), pipeline.flow(src.id));
  else
    src.start((records) => {
      count += records.logs?.length ?? 0;
      return true;
    });
  let journalctlPid: number | undefined;
  let journalctlCpu = 0;
  while (count < ENTRIES) {
    journalctlPid ??= (src as unknown as { child?: { pid?: number } }).child?.pid;
    if (journalctlPid !== undefined) journalctlCpu = cpuSeconds(journalctlPid) || journalctlCpu;
    await sleep(5);
  }
  const seconds = (performance.now() - start) / 1000;
  const node = nodeCpu() - cpu0;
  if (journalctlPid !== undefined) journalctlCpu = cpuSeconds(journalctlPid) || journalctlCpu;
  await src.stop();
  await pipeline?.stop(1_000);
  rmSync(stateDir, { recursive: true, force: true });
  report(withPipeline ? 'source + pipeline + null sink' : 'source alone', seconds, node, journalctlCpu);
}

// BENCH_JOURNALD_SOURCE_DIR: a directory of an earlier run to read again (kept, not written).
const kept = process.env.BENCH_JOURNALD_SOURCE_DIR;
const journal = kept === undefined ? new TestJournal() : undefined;
const dir = kept ?? journal!.dir;
try {
  if (journal) {
    const t0 = performance.now();
    for (let i = 0; i < ENTRIES; i += 20_000) journal.write(entries(i + 1, Math.min(20_000, ENTRIES - i)));
    console.log(
      `journald source bench: ${ENTRIES} entries written to ${dir} in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s; load average ${load()}`,
    );
  }
  // BENCH_JOURNALD_SOURCE_ONLY: ceiling, source or pipeline, to profile one of them.
  const only = process.env.BENCH_JOURNALD_SOURCE_ONLY;
  if (!only || only === 'ceiling') {
    ceiling(dir, 'json');
    ceiling(dir, 'export');
  }
  if (!only || only === 'source') await source(dir, false);
  if (!only || only === 'pipeline') await source(dir, true);
} finally {
  journal?.remove();
}

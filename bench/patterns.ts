/**
 * Log patterns: miner throughput (lines/s), grouping accuracy on the labeled Loghub samples in
 * test/fixtures/patterns, and the cost of mining at ingest (SQLite writes with and without it).
 * `node --import tsx bench/patterns.ts` runs it alone; `npm run bench` runs it with the others.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentCounters, Telemetry } from '../src/core/telemetry.ts';
import type { IngestBatch, LogRecord } from '../src/model/index.ts';
import { parseLine } from '../src/parse/index.ts';
import { BatchStore } from '../src/server/ingest/batch-store.ts';
import { measure, readLabeled } from '../src/server/patterns/accuracy.ts';
import { patternsSchema } from '../src/server/patterns/config.ts';
import { TemplateMiner } from '../src/server/patterns/miner.ts';
import { PatternService } from '../src/server/patterns/service.ts';
import { MemoryBackend } from '../src/server/storage/memory/memory-backend.ts';
import { SqliteBackend } from '../src/server/storage/sqlite/sqlite-backend.ts';
import { mixedCorpus } from './corpus.ts';

const LINES = Number(process.env.BENCH_PATTERN_LINES ?? 500_000);
const INGEST_LINES = Number(process.env.BENCH_PATTERN_INGEST_LINES ?? 200_000);
const FIXTURES = fileURLToPath(new URL('../test/fixtures/patterns', import.meta.url));

/** Messages as the server sees them: the gateway corpus parsed, plus the Loghub lines, numbered. */
function messages(n: number): LogRecord[] {
  const ctx = { received_ts: Date.now(), host: 'bench', source: 'gateway' };
  const loghub = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.tsv'))
    .flatMap((f) => readLabeled(path.join(FIXTURES, f)).map((l) => l.content));
  const parsed = mixedCorpus(n).map((line) => parseLine(line, ctx));
  return parsed.map((record, i) =>
    i % 2 === 0 ? record : { ...record, message: loghub[i % loghub.length]!.replace(/\d+/, String(i)) },
  );
}

/**
 * Lines per second of wall time and per second of this process's CPU time. On a shared machine
 * the wall figure drops with the load of other processes; the CPU figure is what one core does.
 */
function throughput(records: LogRecord[]): { wall: number; cpu: number } {
  const miner = new TemplateMiner();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const r of records) miner.mine('default', r.source, r.message);
  const used = process.cpuUsage(cpu);
  return {
    wall: records.length / ((performance.now() - start) / 1000),
    cpu: records.length / ((used.user + used.system) / 1e6),
  };
}

/** CPU seconds this thread (the main thread, tid = pid) has used, from /proc: the ingest path's cost. */
function mainThreadCpu(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100)
}

type Mining = 'off' | 'ids' | 'inline' | 'worker';

interface IngestRun {
  /** Lines per CPU-second of the main thread, the one that writes SQLite and serves HTTP. */
  main: number;
  /** Lines per CPU-second of the whole process (main thread plus the miner worker). */
  process: number;
  wall: number;
}

/**
 * SQLite ingest through BatchStore, the step every ingest route ends in, in batches of 1,000 with
 * four in flight (four agents sending at once). `inline` mines on the main thread before the write,
 * as the server did before the miner moved to a worker thread; `worker` is the server now. `ids`
 * stores pattern ids mined beforehand, with no mining and no statistics: what the indexed `pattern`
 * column alone costs SQLite.
 */
async function ingestRate(records: LogRecord[], mining: Mining): Promise<IngestRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-patterns-'));
  const storage = new SqliteBackend(dir);
  const service = new PatternService(
    storage,
    patternsSchema.parse({ enabled: mining === 'worker' }),
    componentCounters(new Telemetry(), 'patterns', 'bench'),
  );
  await service.assign('default', [{ ...records[0]! }]); // the worker is up before the clock starts
  const inline = new TemplateMiner();
  const premined = mining === 'ids' ? records.map((r) => inline.mine('default', r.source, r.message).id) : [];
  const store = new BatchStore(storage, mining === 'worker' ? { patterns: service } : {});
  const batches: IngestBatch[] = [];
  for (let i = 0; i < records.length; i += 1000) {
    const logs = records
      .slice(i, i + 1000)
      .map((r, j) => (mining === 'ids' ? { ...r, pattern: premined[i + j]! } : { ...r }));
    batches.push({
      batch_id: `b:${i}`,
      agent_id: 'b',
      seq: i,
      host: 'bench',
      sent_ts: 0,
      metrics: [],
      events: [],
      logs,
    });
  }
  const cpu = process.cpuUsage();
  const main = mainThreadCpu();
  const start = performance.now();
  let next = 0;
  const agent = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      if (mining === 'inline')
        for (const log of batch.logs) log.pattern = inline.mine('default', log.source, log.message).id;
      await store.store('default', batch, Date.now());
      if (mining === 'inline') service.observe('default', batch.logs);
      // A request's parsing and reply would yield here too: the other agents get their turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all([agent(), agent(), agent(), agent()]);
  await service.close();
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const run = {
    main: records.length / (mainThreadCpu() - main),
    process: records.length / ((used.user + used.system) / 1e6),
    wall: records.length / wall,
  };
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
  return run;
}

const records = messages(LINES);
throughput(records.slice(0, 50_000)); // warm-up
const runs = [throughput(records), throughput(records), throughput(records)];
const median = (xs: number[]) => Math.round(xs.sort((x, y) => x - y)[1]!).toLocaleString('en');
console.log(
  `patterns: miner ${median(runs.map((r) => r.cpu))} lines per CPU-second, ${median(runs.map((r) => r.wall))} lines/s wall ` +
    `(median of 3 × ${LINES.toLocaleString('en')} lines; target ≥ 100,000; load average ${os.loadavg()[0]!.toFixed(1)})`,
);

for (const file of readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.tsv'))
  .sort()) {
  const lines = readLabeled(path.join(FIXTURES, file));
  console.log(
    `patterns: grouping accuracy ${file.split('_')[0]!.padEnd(10)} ${measure(lines).toFixed(3)} (${lines.length} lines)`,
  );
}

/**
 * The mining step alone, in lines per CPU-second of the main thread: each line mined there
 * (`inline`, as before the worker) or handed to the worker and its id awaited (`worker`).
 */
async function assignRate(records: LogRecord[], mining: 'inline' | 'worker'): Promise<number> {
  const service = new PatternService(
    new MemoryBackend(),
    patternsSchema.parse({}),
    componentCounters(new Telemetry(), 'patterns', 'bench'),
  );
  const miner = new TemplateMiner();
  await service.assign('default', [{ ...records[0]! }]);
  const start = mainThreadCpu();
  for (let i = 0; i < records.length; i += 1000) {
    const logs = records.slice(i, i + 1000).map((r) => ({ ...r }));
    if (mining === 'worker') await service.assign('default', logs);
    else for (const log of logs) log.pattern = miner.mine('default', log.source, log.message).id;
  }
  const rate = records.length / (mainThreadCpu() - start);
  await service.close();
  return rate;
}

const assignRuns = { inline: [] as number[], worker: [] as number[] };
for (let i = 0; i < 3; i++)
  for (const mining of ['inline', 'worker'] as const)
    assignRuns[mining].push(await assignRate(records, mining));
console.log(
  `patterns: mining step ${Math.round(Math.max(...assignRuns.inline)).toLocaleString('en')} lines per main-thread CPU-second inline, ` +
    `${Math.round(Math.max(...assignRuns.worker)).toLocaleString('en')} with the worker ` +
    `(best of 3 × ${records.length.toLocaleString('en')} lines; load average ${os.loadavg()[0]!.toFixed(1)})`,
);

const sample = records.slice(0, INGEST_LINES);
// Alternating runs, best of each, so a burst of load elsewhere does not decide the comparison.
const runsBy: Record<Mining, IngestRun[]> = { off: [], ids: [], inline: [], worker: [] };
for (let i = 0; i < 3; i++) {
  for (const mining of ['off', 'ids', 'inline', 'worker'] as const)
    runsBy[mining].push(await ingestRate(sample, mining));
}
const best = (mining: Mining, key: keyof IngestRun) => Math.max(...runsBy[mining].map((r) => r[key]));
const fmt = (n: number) => Math.round(n).toLocaleString('en');
for (const mining of ['off', 'ids', 'inline', 'worker'] as const) {
  console.log(
    `patterns: SQLite ingest, mining ${mining.padEnd(6)}: ${fmt(best(mining, 'main'))} lines per main-thread CPU-second ` +
      `(${((best(mining, 'main') / best('off', 'main')) * 100).toFixed(0)} % of no mining), ` +
      `${fmt(best(mining, 'process'))} per process CPU-second, ${fmt(best(mining, 'wall'))} lines/s wall ` +
      `(best of 3 × ${sample.length.toLocaleString('en')} lines; load average ${os.loadavg()[0]!.toFixed(1)})`,
  );
}

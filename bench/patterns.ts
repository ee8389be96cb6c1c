/**
 * Log patterns: miner throughput (lines/s), grouping accuracy on the labeled Loghub samples in
 * test/fixtures/patterns, and the cost of mining at ingest (SQLite writes with and without it).
 * `node --import tsx bench/patterns.ts` runs it alone; `npm run bench` runs it with the others.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentCounters, Telemetry } from '../src/core/telemetry.ts';
import type { LogRecord } from '../src/model/index.ts';
import { parseLine } from '../src/parse/index.ts';
import { measure, readLabeled } from '../src/server/patterns/accuracy.ts';
import { patternsSchema } from '../src/server/patterns/config.ts';
import { TemplateMiner } from '../src/server/patterns/miner.ts';
import { PatternService } from '../src/server/patterns/service.ts';
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

/** SQLite ingest of the records in batches of 1,000, in lines per CPU-second of this process. */
async function ingestRate(records: LogRecord[], mine: boolean): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-patterns-'));
  const storage = new SqliteBackend(dir);
  const service = new PatternService(
    storage,
    patternsSchema.parse({ enabled: mine }),
    componentCounters(new Telemetry(), 'patterns', 'bench'),
  );
  const cpu = process.cpuUsage();
  for (let i = 0; i < records.length; i += 1000) {
    const logs = records.slice(i, i + 1000).map((r) => ({ ...r }));
    service.assign('default', logs);
    const batch = {
      batch_id: `b:${i}`,
      agent_id: 'b',
      seq: i,
      host: 'bench',
      sent_ts: 0,
      metrics: [],
      events: [],
      logs,
    };
    await storage.writeBatch('default', batch, Date.now());
    service.observe('default', logs);
    if (i % 20_000 === 0) await service.flush();
  }
  await service.close();
  const used = process.cpuUsage(cpu);
  const rate = records.length / ((used.user + used.system) / 1e6);
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
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

const sample = records.slice(0, INGEST_LINES);
// Alternating runs, best of each, so a burst of load elsewhere does not decide the comparison.
const without: number[] = [];
const withMining: number[] = [];
for (let i = 0; i < 2; i++) {
  without.push(await ingestRate(sample, false));
  withMining.push(await ingestRate(sample, true));
}
console.log(
  `patterns: SQLite ingest ${Math.round(Math.max(...without)).toLocaleString('en')} lines per CPU-second without mining, ` +
    `${Math.round(Math.max(...withMining)).toLocaleString('en')} with ` +
    `(${((Math.max(...withMining) / Math.max(...without)) * 100).toFixed(0)} %)`,
);

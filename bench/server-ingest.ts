/**
 * The server's share of the gateway path alone: agent-shaped batches (the corpus parsed by the
 * real parsers, 5,000 records a batch, gzipped JSON as the agent buffers them) are built first,
 * then posted to `birdseye server`'s native ingest, two in flight (as the agent's sink), each
 * acknowledged only once committed. Prints lines/s and the server's CPU-seconds (all its threads)
 * per line, the figure that bounds every path into the server. With no agent on the machine, the
 * server has both cores. BENCH_INGEST_LINES (default 200,000), BENCH_INGEST_CORPUS
 * (`journal-json` or `mixed`, default both), BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof`).
 */
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import type { LogRecord } from '../src/model/index.ts';
import { parseLine } from '../src/parse/detect.ts';
import { startBirdseye } from '../test/helpers/birdseye-process.ts';
import { journalCorpus, mixedCorpus } from './corpus.ts';
import { cpuSeconds, loadAverage, serverNodeArgs, threadsCpuSeconds } from './process-stats.ts';

const LINES = Number(process.env.BENCH_INGEST_LINES ?? 200_000);
const BATCH = 5000;
const IN_FLIGHT = 2;

function batches(lines: string[]): Buffer[] {
  const now = Date.now();
  const records: LogRecord[] = lines.map((line) =>
    parseLine(line, { received_ts: now, host: 'node-1', source: 'gateway' }),
  );
  const out: Buffer[] = [];
  for (let i = 0, seq = 1; i < records.length; i += BATCH, seq++) {
    const batch = {
      batch_id: `bench:${seq}`,
      agent_id: 'bench',
      seq,
      host: 'node-1',
      agent_version: 'bench',
      sent_ts: now,
      metrics: [],
      logs: records.slice(i, i + BATCH),
      events: [],
    };
    out.push(gzipSync(JSON.stringify(batch)));
  }
  return out;
}

async function run(name: string, lines: string[]): Promise<void> {
  const bodies = batches(lines);
  const server = await startBirdseye('server', { nodeArgs: serverNodeArgs() });
  try {
    const url = `${server.url}/api/v1/ingest`;
    const headers = {
      authorization: `Bearer ${server.adminToken()}`,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    };
    const pid = server.child.pid!;
    const cpuBefore = cpuSeconds(pid);
    const threadsBefore = threadsCpuSeconds(pid);
    const start = process.hrtime.bigint();
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await request(url, { method: 'POST', headers, body });
        const text = await res.body.text();
        if (res.statusCode !== 200) {
          throw new Error(`ingest answered ${res.statusCode}: ${text}\n${server.stderr().slice(-4000)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const threads = [...threadsCpuSeconds(pid)]
      .map(([tid, s]) => [tid, s - (threadsBefore.get(tid) ?? 0)] as const)
      .filter(([, s]) => s >= 0.1)
      .sort((a, b) => b[1] - a[1]);
    const main = threads.find(([tid]) => tid === pid)?.[1] ?? 0;
    const others = threads.filter(([tid]) => tid !== pid).map(([, s]) => s.toFixed(2));
    console.log(
      `server-ingest ${name}: ${lines.length} lines in ${seconds.toFixed(2)} s = ${Math.round(lines.length / seconds)} lines/s; ` +
        `server ${cpu.toFixed(2)} CPU-s = ${Math.round(lines.length / cpu)} lines per CPU-s ` +
        `(${((cpu / lines.length) * 1e6).toFixed(1)} µs a line); main thread ${main.toFixed(2)} CPU-s, ` +
        `other threads ${others.join(' ')}; load average ${loadAverage()}`,
    );
  } finally {
    await server.cleanup();
  }
}

const only = process.env.BENCH_INGEST_CORPUS;
if (only === undefined || only === 'journal-json') await run('journal-json', journalCorpus(LINES));
if (only === undefined || only === 'mixed') await run('mixed', mixedCorpus(LINES));

/**
 * Agent overhead on a Docker node: a private dockerd (test/helpers/dockerd.ts) running 50 busybox
 * containers that together write ~1,000 log lines/s, watched by a real `birdseye agent` (container
 * metrics every 10 s, events, every container's logs, host metrics) that ships to a receiver in
 * this process. Prints
 * - the agent's CPU (% of one core, from /proc utime+stime) and RSS (with its anonymous and file parts);
 * - dockerd's CPU (dockerd and its children, e.g. containerd) in three windows of equal length:
 *   no reader at all (baseline), the agent running, and instead of the agent a poller calling
 *   `GET /containers/{id}/stats?stream=false` for the 50 containers every 10 s — the way
 *   metrics are read when not from cgroups. The difference to the baseline is what each costs dockerd.
 */
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startBirdseye } from '../test/helpers/birdseye-process.ts';
import { TestDockerd } from '../test/helpers/dockerd.ts';
import { agentStart, rssMb, rssPartsMb, threadsCpuSeconds, treeCpuSeconds } from './process-stats.ts';

const CONTAINERS = Number(process.env.BENCH_DOCKER_CONTAINERS ?? 50);
const WINDOW_SECONDS = Number(process.env.BENCH_DOCKER_SECONDS ?? 60);
const LINES_PER_SECOND = 1_000;
const INTERVAL_MS = 10_000;
const readMs = process.env.BENCH_DOCKER_READ_MS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** Measures `pids`' CPU over one window; `during` runs meanwhile (sampling, polling). */
async function window(pids: number[], during?: (end: number) => Promise<void>) {
  const before = pids.map(treeCpuSeconds);
  const start = performance.now();
  const end = Date.now() + WINDOW_SECONDS * 1000;
  await (during ? during(end) : sleep(WINDOW_SECONDS * 1000));
  const seconds = (performance.now() - start) / 1000;
  return pids.map((pid, i) => ((treeCpuSeconds(pid) - before[i]!) / seconds) * 100);
}

/** A stand-in for the server's native ingest: counts log records, acknowledges every batch. */
function receiver(): Promise<{ server: Server; url: string; logs: () => number; resent: () => number }> {
  let logs = 0;
  let resent = 0;
  const seen = new Set<string>();
  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      const before = seen.size;
      const batch = JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as {
        batch_id: string;
        logs: unknown[];
      };
      // A resent batch (its answer came too late) holds no new lines.
      if (!seen.has(batch.batch_id)) logs += batch.logs.length;
      seen.add(batch.batch_id);
      resent += seen.size === before ? 1 : 0;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({
        server,
        url: `http://127.0.0.1:${address.port}`,
        logs: () => logs,
        resent: () => resent,
      });
    }),
  );
}

const engine = await TestDockerd.start();
const dockerdPid = Number(readFileSync(path.join(engine.dir, 'docker.pid'), 'utf8').trim());
const sink = await receiver();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-docker-'));
const ids: string[] = [];
try {
  // Each container writes its share of the lines, paced by busybox usleep.
  const pauseUs = Math.round((1e6 * CONTAINERS) / LINES_PER_SECOND);
  for (let i = 0; i < CONTAINERS; i++) {
    const script = `i=0; while :; do echo "ts=$i level=info msg=\\"GET /api/items/$i\\" status=200 container=c${i}"; i=$((i+1)); usleep ${pauseUs}; done`;
    ids.push(await engine.run({ name: `bench-${i}`, cmd: ['sh', '-c', script] }));
  }
  await sleep(5_000);
  const [baseline] = await window([dockerdPid]);
  console.log(
    `docker: dockerd with ${CONTAINERS} logging containers, no reader: ${baseline!.toFixed(2)} % of a core (load ${load()})`,
  );

  const configFile = path.join(dataDir, 'birdseye.yaml');
  writeFileSync(
    configFile,
    [
      'agent:',
      '  journald: { enabled: false }',
      `  host_metrics: { interval_ms: ${INTERVAL_MS} }`,
      // The agent's default read interval unless BENCH_DOCKER_READ_MS sets another.
      `  docker: { host: "unix://${engine.socketPath}", interval_ms: ${INTERVAL_MS}${readMs === undefined ? '' : `, logs: { read_interval_ms: ${readMs} }`} }`,
      '',
    ].join('\n'),
  );
  const agent = await startBirdseye('agent', {
    args: ['--config', configFile, '--server', sink.url, '--token', 'bench', '--agent-port', '0'],
    dataDir,
    keepDataDir: true,
    timeoutMs: 120_000,
    ...agentStart(),
  });
  const agentPid = agent.child.pid!;
  // Steady state: the lines written before it started are shipped, and the start is over (15 s in
  // a row at no more than 1.2× the rate; the agent enters its small heap mode after 5 quiet seconds
  // and gives the catch-up's heap back at its next full collection).
  for (let last = sink.logs(), steady = 0, end = Date.now() + 300_000; steady < 3 && Date.now() < end;) {
    await sleep(5_000);
    const now = sink.logs();
    steady = now - last > 0 && now - last <= LINES_PER_SECOND * 1.2 * 5 ? steady + 1 : 0;
    last = now;
  }
  const logsBefore = sink.logs();
  let rssMax = 0;
  const threadsBefore = threadsCpuSeconds(agentPid);
  const [agentCpu, dockerdWithAgent] = await window([agentPid, dockerdPid], async (end) => {
    while (Date.now() < end) {
      rssMax = Math.max(rssMax, rssMb(agentPid));
      await sleep(1_000);
    }
  });
  const rate = (sink.logs() - logsBefore) / WINDOW_SECONDS;
  const { rss, ...parts } = rssPartsMb(agentPid);
  // The main thread's share (JavaScript, and the system calls it makes) and the rest (V8's
  // collector and compiler threads, libuv's pool: fsync, gzip).
  const mainCpu =
    (((threadsCpuSeconds(agentPid).get(agentPid) ?? 0) - (threadsBefore.get(agentPid) ?? 0)) /
      WINDOW_SECONDS) *
    100;
  await agent.stop();
  console.log(
    `docker: agent watching ${CONTAINERS} containers at ${INTERVAL_MS / 1000} s, ${rate.toFixed(0)} lines/s shipped (${sink.resent()} batches resent): ` +
      `CPU ${agentCpu!.toFixed(2)} % of a core (target < 2; main thread ${mainCpu.toFixed(2)}, other threads ${(agentCpu! - mainCpu).toFixed(2)}), RSS ${rss.toFixed(1)} MB (anonymous ${parts.anonymous.toFixed(1)}, file pages ${parts.file.toFixed(1)}), max ${rssMax.toFixed(1)} MB (target < 80) (load ${load()})`,
  );
  console.log(
    `docker: dockerd with the agent: ${dockerdWithAgent!.toFixed(2)} % of a core, ` +
      `+${(dockerdWithAgent! - baseline!).toFixed(2)} over no reader (load ${load()})`,
  );

  await sleep(2_000);
  let polls = 0;
  let pollErrors = 0;
  const [dockerdPolled] = await window([dockerdPid], async (end) => {
    while (Date.now() < end) {
      const next = Date.now() + INTERVAL_MS;
      await Promise.all(
        ids.map((id) =>
          engine.client.json('GET', `/containers/${id}/stats?stream=false`).then(
            () => polls++,
            () => pollErrors++,
          ),
        ),
      );
      await sleep(Math.max(0, Math.min(next, end) - Date.now()));
    }
  });
  console.log(
    `docker: dockerd polled for stats (${polls} calls, ${pollErrors} failed, every ${INTERVAL_MS / 1000} s): ` +
      `${dockerdPolled!.toFixed(2)} % of a core, +${(dockerdPolled! - baseline!).toFixed(2)} over no reader (load ${load()})`,
  );
} catch (error) {
  console.error('docker: benchmark failed:', error);
  process.exitCode = 1;
} finally {
  sink.server.close();
  // Removed first: dockerd stopping 50 containers itself may outlast its stop timeout.
  for (const id of ids) await engine.remove(id);
  await engine.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

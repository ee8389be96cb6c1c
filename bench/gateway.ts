/**
 * Gateway throughput: lines over TCP into `birdseye agent` → parsed → shipped to `birdseye server`
 * → committed to SQLite. Prints lines/s, lines lost, the agent's and the server's CPU-seconds (all
 * their threads) and the agent's peak RSS, per corpus.
 */
import { freePort, sendLines } from '../test/helpers/net.ts';
import { startBirdseye, type BirdseyeProcess } from '../test/helpers/birdseye-process.ts';
import { journalCorpus, mixedCorpus } from './corpus.ts';
import { agentStart, cpuSeconds, loadAverage, peakRssMb, serverNodeArgs } from './process-stats.ts';

const LINES = Number(process.env.BENCH_GATEWAY_LINES ?? 200_000);

async function ingested(server: BirdseyeProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /component_sent_events_total\{component_kind="ingest",component_id="native"\} (\d+)/.exec(text);
  return Number(m?.[1] ?? 0);
}

async function run(name: string, lines: string[]): Promise<void> {
  const server = await startBirdseye('server', { nodeArgs: serverNodeArgs() });
  const gatewayPort = await freePort();
  const agent = await startBirdseye('agent', {
    args: [
      '--server',
      server.url,
      '--token',
      server.adminToken(),
      '--gateway-port',
      String(gatewayPort),
      '--agent-port',
      '0',
    ],
    ...agentStart(),
  }).catch(async (error: unknown) => {
    await server.cleanup();
    throw error;
  });
  try {
    // Host metrics are on too (as in production); count only what arrives after this point.
    await new Promise((r) => setTimeout(r, 1500));
    const before = await ingested(server);
    const pid = agent.child.pid!;
    const cpuBefore = cpuSeconds(pid);
    const serverPid = server.child.pid!;
    const serverCpuBefore = cpuSeconds(serverPid);
    const start = process.hrtime.bigint();
    await sendLines(gatewayPort, lines);
    let got = 0;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      got = (await ingested(server)) - before;
      if (got >= lines.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const serverCpu = cpuSeconds(serverPid) - serverCpuBefore;
    console.log(
      `gateway ${name}: ${lines.length} lines in ${seconds.toFixed(2)} s = ${Math.round(lines.length / seconds)} lines/s ` +
        `(TCP → agent → server → SQLite), lost ${Math.max(0, lines.length - got)}; agent ${cpu.toFixed(2)} CPU-s = ` +
        `${Math.round(lines.length / cpu)} lines per CPU-s, peak RSS ${peakRssMb(pid).toFixed(0)} MB; ` +
        `server ${serverCpu.toFixed(2)} CPU-s = ${Math.round(lines.length / serverCpu)} lines per CPU-s; ` +
        `load average ${loadAverage()}`,
    );
  } finally {
    await agent.cleanup();
    await server.cleanup();
  }
}

const only = process.env.BENCH_GATEWAY_CORPUS; // 'journal-json' or 'mixed' to run only that one
if (only === undefined || only === 'journal-json') await run('journal-json', journalCorpus(LINES));
if (only === undefined || only === 'mixed') await run('mixed', mixedCorpus(LINES));

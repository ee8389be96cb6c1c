/**
 * Gateway → elasticsearch sink: lines over TCP into `birdseye agent` → parsed → buffered → shipped
 * by the elasticsearch sink to a `_bulk` receiver in this process. Prints lines/s and lines lost
 * per corpus; then, when @sematext/logagent is installed (the logagent test installs it), the same
 * TCP → bulk path through logagent, and the ratio.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startBirdseye } from '../test/helpers/birdseye-process.ts';
import { freePort, sendLines } from '../test/helpers/net.ts';
import { journalCorpus, mixedCorpus } from './corpus.ts';
import { agentStart, cpuSeconds, loadAverage, peakRssMb } from './process-stats.ts';

const LINES = Number(process.env.BENCH_ES_LINES ?? 200_000);
const RECEIVER_DELAY_MS = Number(process.env.BENCH_ES_RECEIVER_DELAY_MS ?? 0);
const LOGAGENT = path.join(
  REPO_ROOT,
  'node_modules/.cache/birdseye-parts/logagent/node_modules/.bin/logagent',
);

/** A `_bulk` receiver that counts documents and answers 201 for each, as Elasticsearch would. */
async function bulkReceiver(): Promise<{ server: Server; url: string; count: () => number }> {
  let documents = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.method !== 'POST') {
        response.end('{"version":{"number":"7.17.0"}}');
        return;
      }
      const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
      const n = Math.floor(lines.length / 2);
      documents += n;
      const item = '{"index":{"status":201,"result":"created"}}';
      const answer = `{"took":1,"errors":false,"items":[${new Array<string>(n).fill(item).join(',')}]}`;
      // A cluster's indexing time, e.g. BENCH_ES_RECEIVER_DELAY_MS=200 (default: answer at once).
      setTimeout(() => response.end(answer), RECEIVER_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, count: () => documents };
}

/** Sends the lines, waits until the receiver has them all (or 180 s), returns lines/s and lost. */
async function measure(
  port: number,
  lines: string[],
  count: () => number,
): Promise<{ rate: number; lost: number; seconds: number }> {
  const before = count();
  const start = process.hrtime.bigint();
  await sendLines(port, lines);
  const deadline = Date.now() + 180_000;
  while (count() - before < lines.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    rate: Math.round(lines.length / seconds),
    lost: Math.max(0, lines.length - (count() - before)),
    seconds,
  };
}

async function viaBirdseye(name: string, lines: string[]): Promise<number> {
  const receiver = await bulkReceiver();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-es-'));
  const gatewayPort = await freePort();
  const config = path.join(dir, 'agent.yaml');
  writeFileSync(
    config,
    [
      'agent:',
      '  token: bench-token',
      '  port: 0',
      '  host_metrics: { enabled: false }',
      '  journald: { enabled: false }',
      '  docker: { enabled: false }',
      `  gateway: { port: ${gatewayPort}, bind_address: 127.0.0.1 }`,
      // Sink settings to compare, e.g. BENCH_ES_SINK_OPTIONS='max_requests_in_flight: 1'.
      `  sinks: { elasticsearch: { url: "${receiver.url}", index: bench, ${process.env.BENCH_ES_SINK_OPTIONS ?? ''} } }`,
      // Extra agent settings to compare, e.g. BENCH_ES_AGENT_YAML='  max_queue_events: 20000'.
      process.env.BENCH_ES_AGENT_YAML ?? '',
    ].join('\n'),
  );
  const agent = await startBirdseye('agent', {
    args: ['--config', config, '--gateway-port', String(gatewayPort)],
    ...agentStart(),
  });
  try {
    const pid = agent.child.pid!;
    const cpuBefore = cpuSeconds(pid);
    const { rate, lost, seconds } = await measure(gatewayPort, lines, receiver.count);
    const cpu = cpuSeconds(pid) - cpuBefore;
    console.log(
      `elasticsearch sink ${name}: ${lines.length} lines in ${seconds.toFixed(2)} s = ${rate} lines/s ` +
        `(TCP → agent → parsed → disk buffer → _bulk), lost ${lost}; agent ${cpu.toFixed(2)} CPU-s = ` +
        `${Math.round(lines.length / cpu)} lines per CPU-s, peak RSS ${peakRssMb(pid).toFixed(0)} MB; ` +
        `load average ${loadAverage()}`,
    );
    return rate;
  } finally {
    await agent.cleanup();
    receiver.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function viaLogagent(name: string, lines: string[]): Promise<number | undefined> {
  if (process.env.BENCH_ES_SKIP_LOGAGENT) return undefined;
  if (!existsSync(LOGAGENT)) {
    console.log(
      'logagent: not installed (run test/integration/logagent-elasticsearch.test.ts once); skipped',
    );
    return undefined;
  }
  const receiver = await bulkReceiver();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-logagent-'));
  const port = await freePort();
  const config = path.join(dir, 'logagent.yaml');
  writeFileSync(
    config,
    [
      'options:',
      '  suppress: true',
      'input:',
      '  tcp:',
      '    module: input-tcp',
      `    port: ${port}`,
      '    bindAddress: 127.0.0.1',
      'output:',
      '  elasticsearch:',
      '    module: elasticsearch',
      `    url: ${receiver.url}`,
      '    index: bench',
    ].join('\n'),
  );
  const child = spawn(LOGAGENT, ['--config', config], {
    stdio: 'ignore',
    env: { ...process.env, HOME: dir },
  });
  try {
    for (let i = 0; i < 100; i++) {
      const open = await new Promise<boolean>((resolve) => {
        const s = net
          .connect(port, '127.0.0.1', () => resolve(s.end() && true))
          .on('error', () => resolve(false));
      });
      if (open) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const cpuBefore = cpuSeconds(child.pid!);
    const { rate, lost, seconds } = await measure(port, lines, receiver.count);
    const cpu = cpuSeconds(child.pid!) - cpuBefore;
    console.log(
      `logagent ${name}: ${lines.length} lines in ${seconds.toFixed(2)} s = ${rate} lines/s (TCP → logagent → _bulk), ` +
        `lost ${lost}; ${cpu.toFixed(2)} CPU-s = ${Math.round(lines.length / cpu)} lines per CPU-s, ` +
        `peak RSS ${peakRssMb(child.pid!).toFixed(0)} MB; load average ${loadAverage()}`,
    );
    return rate;
  } finally {
    child.kill('SIGTERM');
    receiver.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, lines] of [
  ['journal-json', journalCorpus(LINES)],
  ['mixed', mixedCorpus(LINES)],
] as const) {
  const ours = await viaBirdseye(name, [...lines]);
  const theirs = await viaLogagent(name, [...lines]);
  if (theirs) console.log(`  ${name}: Birdseye / logagent = ${(ours / theirs).toFixed(2)}×`);
}

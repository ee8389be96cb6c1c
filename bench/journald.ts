/**
 * journald forwarding: a running systemd-journald (test/helpers/running-journald.ts) →
 * `birdseye agent` (journalctl --follow) → `birdseye server` → SQLite. Prints
 * - lines/s: a backlog of entries written while the agent was stopped, from the agent's restart
 *   until the server has committed them all;
 * - the agent's CPU (node + its journalctl) while entries arrive at 1,000/s;
 * and the same two figures for systemd-journal-upload → systemd-journal-remote (HTTP on loopback),
 * with the ratio. BENCH_AGENT_NODE_ARGS: node options for the measured agent (e.g. `--cpu-prof`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBirdseye, type BirdseyeProcess } from '../test/helpers/birdseye-process.ts';
import { freePort } from '../test/helpers/net.ts';
import { RunningJournald, type JournalWriter } from '../test/helpers/running-journald.ts';
import { agentStart, treeCpuSeconds } from './process-stats.ts';

const ENTRIES = Number(process.env.BENCH_JOURNALD_ENTRIES ?? 100_000);
const PACED_SECONDS = Number(process.env.BENCH_JOURNALD_PACED_SECONDS ?? 20);
const RATE = 1_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg()[0]!.toFixed(1);

async function ingested(server: BirdseyeProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /component_sent_events_total\{component_kind="ingest",component_id="native"\} (\d+)/.exec(text);
  return Number(m?.[1] ?? 0);
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 300_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** Writes `count` entries as fast as systemd-cat takes them; resolves with the seconds it took. */
async function writeBacklog(journald: RunningJournald, tag: string, count: number): Promise<number> {
  const writer = journald.writer(`bench-${tag}`);
  const start = performance.now();
  for (let i = 0; i < count; i += 10_000) {
    const lines = Array.from(
      { length: Math.min(10_000, count - i) },
      (_, k) => `${tag} entry ${i + k} GET /api/v1/items?page=${k % 97} 200 ${k % 1000}ms`,
    );
    writer.write(lines);
  }
  await writer.end();
  // systemd-cat is done when journald has the lines, not yet when they are in the journal files.
  await until(
    async () => (await journalCount(`--directory=${journald.journalDir}`, `${tag} entry`)) >= count,
    'the journal',
  );
  return (performance.now() - start) / 1000;
}

/** Writes RATE entries a second for PACED_SECONDS while measuring the CPU of `pid`'s tree. */
async function pacedCpu(writer: JournalWriter, tag: string, pid: number): Promise<number> {
  const cpu0 = treeCpuSeconds(pid);
  const start = performance.now();
  let written = 0;
  while (written < RATE * PACED_SECONDS) {
    const due = Math.floor(((performance.now() - start) / 1000) * RATE);
    if (due > written) {
      writer.write(Array.from({ length: due - written }, (_, k) => `${tag} paced ${written + k}`));
      written = due;
    }
    await sleep(10);
  }
  await sleep(2000); // let the last second's entries be shipped, inside the measured window
  const seconds = (performance.now() - start) / 1000;
  return ((treeCpuSeconds(pid) - cpu0) / seconds) * 100;
}

/** Journal entries with MESSAGE containing `tag`, as journalctl reads them (`where`: --file=…, --directory=…). */
function journalCount(where: string, tag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('journalctl', [where, '--output=cat', '--no-pager', `--grep=${tag}`]);
    let count = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) count++;
    });
    child.once('error', reject);
    child.once('exit', () => resolve(count));
  });
}

async function birdseye(journald: RunningJournald): Promise<{ linesPerSecond: number; cpuPercent: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-journald-'));
  const config = path.join(dir, 'agent.yaml');
  // Only the journal: host metrics would add samples to the server's count.
  writeFileSync(config, 'agent:\n  host_metrics:\n    enabled: false\n');
  const server = await startBirdseye('server', { timeoutMs: 120_000 });
  const agentArgs = [
    ...['--config', config, '--server', server.url, '--token', server.adminToken()],
    ...['--agent-port', '0', '--gateway-port', '0'],
  ];
  const agentDir = path.join(dir, 'agent');
  // Under a high load average the agent takes longer than the helper's default to print its banner.
  const timeoutMs = 120_000;
  let agent = await startBirdseye('agent', {
    prefix: journald.nsenter,
    dataDir: agentDir,
    args: agentArgs,
    timeoutMs,
  });
  try {
    let before = 0;
    await until(async () => {
      const now = await ingested(server);
      const settled = now > 0 && now === before;
      before = now;
      if (!settled) await sleep(1500);
      return settled;
    }, 'the agent to catch up with the journal');
    await agent.stop('SIGTERM');

    const writeSeconds = await writeBacklog(journald, 'birdseye', ENTRIES);
    console.log(
      `journald: ${ENTRIES} entries written by systemd-cat and in the journal in ${writeSeconds.toFixed(2)} s ` +
        `(${Math.round(ENTRIES / writeSeconds)}/s)`,
    );
    const start = performance.now();
    const serverCpu0 = treeCpuSeconds(server.child.pid!);
    agent = await startBirdseye('agent', {
      prefix: journald.nsenter,
      dataDir: agentDir,
      keepDataDir: true,
      args: agentArgs,
      ...agentStart(),
      timeoutMs,
    });
    await until(async () => (await ingested(server)) - before >= ENTRIES, `${ENTRIES} entries at the server`);
    const seconds = (performance.now() - start) / 1000;
    const linesPerSecond = ENTRIES / seconds;
    // Where the time went: CPU of the agent (node + journalctl, start-up included) and of the server.
    const agentCpu = treeCpuSeconds(agent.child.pid!);
    const serverCpu = treeCpuSeconds(server.child.pid!) - serverCpu0;
    const perCpu = (cpu: number) => Math.round(ENTRIES / cpu).toLocaleString('en');
    console.log(
      `journald → birdseye agent → server → SQLite: ${ENTRIES} entries in ${seconds.toFixed(2)} s ` +
        `= ${Math.round(linesPerSecond)} lines/s (from the agent's restart, journalctl start included); ` +
        `CPU: agent ${agentCpu.toFixed(1)} s (${perCpu(agentCpu)} entries per CPU-second), ` +
        `server ${serverCpu.toFixed(1)} s (${perCpu(serverCpu)} per CPU-second); load average ${load()}`,
    );

    const writer = journald.writer('bench-paced');
    const cpuPercent = await pacedCpu(writer, 'birdseyepaced', agent.child.pid!);
    await writer.end();
    console.log(
      `journald → birdseye agent at ${RATE} entries/s: agent CPU ${cpuPercent.toFixed(1)} % of one core ` +
        `(node + journalctl, over ${PACED_SECONDS} s)`,
    );
    return { linesPerSecond, cpuPercent };
  } finally {
    await agent.cleanup();
    await server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

function startProcess(cmd: string, args: string[]): { child: ChildProcess; stop: () => Promise<void> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code) => {
    if (code) console.error(`${cmd} exited ${code}: ${stderr}`);
  });
  return {
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function journalUpload(
  journald: RunningJournald,
): Promise<{ linesPerSecond: number; cpuPercent: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-bench-upload-'));
  const port = await freePort();
  const output = path.join(dir, 'remote.journal');
  const remote = startProcess('/lib/systemd/systemd-journal-remote', [
    `--listen-http=127.0.0.1:${port}`,
    `--output=${output}`,
    '--split-mode=none',
  ]);
  const upload = (follow: boolean) =>
    startProcess('/lib/systemd/systemd-journal-upload', [
      `--url=http://127.0.0.1:${port}`,
      `--directory=${journald.journalDir}`,
      `--save-state=${path.join(dir, 'state')}`,
      `--follow=${follow ? 'yes' : 'no'}`,
    ]);
  try {
    await sleep(500);
    // Catch up with what the journal holds, then measure a backlog as for the agent.
    const first = upload(false);
    await new Promise((r) => first.child.once('exit', r));
    const writeSeconds = await writeBacklog(journald, 'upload', ENTRIES);
    console.log(`journald: ${ENTRIES} more entries written in ${writeSeconds.toFixed(2)} s`);
    const start = performance.now();
    const second = upload(false);
    await new Promise((r) => second.child.once('exit', r));
    const seconds = (performance.now() - start) / 1000;
    const arrived = await journalCount(`--file=${output}`, 'upload entry');
    const linesPerSecond = arrived / seconds;
    console.log(
      `journald → systemd-journal-upload → systemd-journal-remote (HTTP): ${arrived} of ${ENTRIES} entries ` +
        `in ${seconds.toFixed(2)} s = ${Math.round(linesPerSecond)} lines/s`,
    );

    const follower = upload(true);
    await sleep(1000);
    const writer = journald.writer('bench-paced');
    const cpuPercent = await pacedCpu(writer, 'uploadpaced', follower.child.pid!);
    await writer.end();
    await follower.stop();
    console.log(
      `journald → systemd-journal-upload at ${RATE} entries/s: CPU ${cpuPercent.toFixed(1)} % of one core`,
    );
    return { linesPerSecond, cpuPercent };
  } finally {
    await remote.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const journald = await RunningJournald.start();
// Other work on the machine takes CPU from the agent (node) more than from the C peer: say how busy it was.
console.log(`journald benchmark: load average ${load()} on ${os.cpus().length} CPUs at the start`);
try {
  const ours = await birdseye(journald);
  const peer = await journalUpload(journald);
  console.log(
    `journald ratio birdseye / systemd-journal-upload: throughput ${(ours.linesPerSecond / peer.linesPerSecond).toFixed(2)}×, ` +
      `CPU at ${RATE}/s ${(ours.cpuPercent / peer.cpuPercent).toFixed(2)}× (load average ${load()} at the end)`,
  );
} finally {
  await journald.stop();
}

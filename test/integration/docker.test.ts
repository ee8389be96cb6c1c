import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockerSchema } from '../../src/agent/sources/docker/config.ts';
import { DockerSource } from '../../src/agent/sources/docker/docker.ts';
import { MemorySink } from '../../src/agent/sinks/memory/memory-sink.ts';
import type { Emitted } from '../../src/agent/sources/source.ts';
import { openTestPipeline } from '../../src/agent/testing.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { ClusterEvent, IngestBatch, LogRecord, MetricSample } from '../../src/model/index.ts';
import { TestDockerd } from '../helpers/dockerd.ts';

/**
 * The Docker source against a private, real dockerd (test/helpers/dockerd.ts), one for the file.
 * The pipeline is a double that keeps what it is given and reports it durable a tick later, so
 * the positions the source commits are exactly those of delivered records.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean, what: string | (() => string), ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && !check();) await sleep(50);
  assert.ok(check(), `timed out waiting for ${typeof what === 'string' ? what : what()}`);
}

interface Run {
  logs: LogRecord[];
  events: ClusterEvent[];
  metrics: MetricSample[];
  stop(): Promise<void>;
}

const running: Run[] = [];

function run(engine: TestDockerd, stateDir: string): Run {
  const out: Run = { logs: [], events: [], metrics: [], stop: () => source.stop() };
  const config = dockerSchema.parse({ socket_path: engine.socketPath, interval_ms: 500 });
  const source = new DockerSource(config, {
    hostName: 'node-1',
    log: createLogger('silent', 'json'),
    stateDir,
  });
  source.start(
    (records: Emitted, onDurable?: () => void) => {
      out.logs.push(...(records.logs ?? []));
      out.events.push(...(records.events ?? []));
      out.metrics.push(...(records.metrics ?? []));
      if (onDurable) setImmediate(onDurable);
      return true;
    },
    { room: () => undefined, capacity: 10_000 },
  );
  running.push(out);
  return out;
}

const of = (logs: LogRecord[], name: string) => logs.filter((r) => r.container?.name === name);
const latest = (metrics: MetricSample[], name: string, container: string) =>
  metrics.findLast((m) => m.name === name && m.labels.name === container)?.value;

describe('docker source (real dockerd)', { timeout: 90_000 }, () => {
  let engine: TestDockerd;
  const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'birdseye-docker-state-'));
  before(async () => {
    engine = await TestDockerd.start();
  });
  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await engine?.stop();
  });

  it('follows a container started later: stdout, stderr and a 40 KiB line, once each, in order', async () => {
    const source = run(engine, tmp());
    await sleep(300);
    const script =
      'i=1; while [ $i -le 100 ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done; ' +
      'head -c 40960 /dev/zero | tr "\\0" x; echo; echo end; sleep 60';
    await engine.run({
      name: 'plain',
      cmd: ['sh', '-c', script],
      labels: { 'com.docker.compose.service': 'web' },
    });
    // stdout and stderr are separate streams: "end" (stdout) may come before "err 100" (stderr).
    await until(
      () => ['end', 'err 100'].every((m) => of(source.logs, 'plain').some((r) => r.message === m)),
      'the last line of each stream',
    );
    const logs = of(source.logs, 'plain');
    const numbers = (stream: string) =>
      logs
        .filter((r) => r.fields?.stream === stream && /^(out|err) \d+$/.test(r.message))
        .map((r) => Number(r.message.split(' ')[1]));
    const all = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual(numbers('stdout'), all);
    assert.deepEqual(numbers('stderr'), all);
    const long = logs.filter((r) => r.message.startsWith('xxx'));
    assert.equal(long.length, 1);
    assert.equal(long[0]!.message, 'x'.repeat(40960));
    assert.equal(logs.length, 200 + 2);
    assert.equal(logs[0]!.service, 'web');
    assert.equal(logs[0]!.source, 'docker');
    assert.equal(logs[0]!.container?.image, 'busybox:test');
  });

  it('reads a TTY container: lines and a 40 KiB line intact', async () => {
    const source = run(engine, tmp());
    const script =
      'for i in 1 2 3; do echo "tty $i"; done; head -c 40960 /dev/zero | tr "\\0" y; echo; echo end; sleep 60';
    await engine.run({ name: 'tty', cmd: ['sh', '-c', script], tty: true });
    await until(() => of(source.logs, 'tty').some((r) => r.message === 'end'), 'the TTY line "end"');
    assert.deepEqual(
      of(source.logs, 'tty').map((r) => (r.message.startsWith('y') ? `y×${r.message.length}` : r.message)),
      ['tty 1', 'tty 2', 'tty 3', 'y×40960', 'end'],
    );
  });

  it('resumes after a restart of the source: no line lost, none repeated', async () => {
    const stateDir = tmp();
    const first = run(engine, stateDir);
    const script =
      'i=1; while [ $i -le 400 ]; do echo "n=$i"; i=$((i+1)); usleep 5000; done; echo done; sleep 60';
    await engine.run({ name: 'counter', cmd: ['sh', '-c', script] });
    await until(() => of(first.logs, 'counter').length >= 60, '60 lines');
    await first.stop();
    const saved = JSON.parse(readFileSync(path.join(stateDir, 'docker.positions.json'), 'utf8')) as {
      logs: object;
    };
    assert.equal(Object.keys(saved.logs).length >= 1, true);
    await sleep(300); // lines written while no agent runs
    const second = run(engine, stateDir);
    await until(
      () => of(second.logs, 'counter').some((r) => r.message === 'done'),
      () => `the line "done" (${of(second.logs, 'counter').length} lines after the restart)`,
      30_000,
    );
    const lines = [...of(first.logs, 'counter'), ...of(second.logs, 'counter')].map((r) => r.message);
    assert.deepEqual(lines, [...Array.from({ length: 400 }, (_, i) => `n=${i + 1}`), 'done']);
  });

  it('reports cgroup metrics that match the cgroup files and docker inspect', async () => {
    const source = run(engine, tmp());
    const id = await engine.run({
      name: 'busy',
      cmd: ['sh', '-c', 'while :; do :; done'],
      memoryBytes: 64 << 20,
    });
    await until(
      () => latest(source.metrics, 'container_cpu_usage_percent', 'busy') !== undefined,
      'a CPU percentage',
      10_000,
    );
    await sleep(1_200);
    const inspect = (await engine.inspect(id)) as { HostConfig: { Memory: number } };
    assert.equal(
      latest(source.metrics, 'container_spec_memory_limit_bytes', 'busy'),
      inspect.HostConfig.Memory,
    );
    assert.equal(latest(source.metrics, 'container_state', 'busy'), 1);
    // The machine is shared, so "one busy core" shows as what the core could give it; the figure must
    // still be the CPU seconds' own rate between the last two readings.
    const cpu = source.metrics.filter(
      (m) => m.labels.name === 'busy' && m.name === 'container_cpu_usage_seconds_total',
    );
    const [a, b] = cpu.slice(-2);
    const percent = source.metrics.findLast(
      (m) => m.name === 'container_cpu_usage_percent' && m.labels.name === 'busy',
    )!;
    assert.equal(percent.ts, b!.ts);
    const rate = ((b!.value - a!.value) / ((b!.ts - a!.ts) / 1000)) * 100;
    assert.ok(Math.abs(percent.value - rate) < 0.001, `${percent.value} is the rate ${rate}`);
    assert.ok(
      percent.value > 15 && percent.value < 130,
      `a busy loop uses up to one core, got ${percent.value}`,
    );
    const usage = Number(readFileSync(`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, 'utf8')) / 1e9;
    const reported = latest(source.metrics, 'container_cpu_usage_seconds_total', 'busy')!;
    assert.ok(reported > 0 && reported <= usage, `cpu seconds ${reported} ≤ ${usage}`);
    const sample = source.metrics.findLast(
      (m) => m.name === 'container_pids_current' && m.labels.name === 'busy',
    );
    assert.deepEqual({ ...sample?.labels }, { host: 'node-1', name: 'busy', id, image: 'busybox:test' });
    await engine.remove(id);
  });

  it('reports an OOM kill as an event and in failcnt and oom metrics', async () => {
    const source = run(engine, tmp());
    // The subshell outgrows the limit and is killed; the container's init survives so its cgroup can be read.
    const script = '(a=xxxxxxxxxxxxxxxx; while :; do a=$a$a; done); echo survived; sleep 60';
    await engine.run({ name: 'oom', cmd: ['sh', '-c', script], memoryBytes: 16 << 20 });
    await until(
      () => source.events.some((e) => e.action === 'oom' && e.actor?.name === 'oom'),
      'an oom event',
    );
    await until(
      () => (latest(source.metrics, 'container_oom_events_total', 'oom') ?? 0) > 0,
      'oom_events > 0',
    );
    assert.ok((latest(source.metrics, 'container_memory_failcnt', 'oom') ?? 0) > 0);
  });

  it('forwards start and die with exit codes, and does not repeat events after a restart', async () => {
    const stateDir = tmp();
    const first = run(engine, stateDir);
    await sleep(300);
    await engine.run({ name: 'exit3', cmd: ['sh', '-c', 'exit 3'] });
    const die = () => first.events.find((e) => e.action === 'die' && e.actor?.name === 'exit3');
    await until(() => die() !== undefined, 'the die event');
    assert.equal(die()!.attributes?.exitCode, '3');
    assert.equal(die()!.actor?.image, 'busybox:test');
    assert.ok(first.events.some((e) => e.action === 'start' && e.actor?.name === 'exit3'));
    await first.stop();
    await engine.run({ name: 'exit0', cmd: ['true'] });
    const second = run(engine, stateDir);
    await until(
      () => second.events.some((e) => e.action === 'die' && e.actor?.name === 'exit0'),
      'the next die',
    );
    const key = (e: ClusterEvent) => `${e.ts}|${e.action}|${e.actor?.id ?? ''}`;
    const seen = new Set(first.events.map(key));
    assert.deepEqual(
      second.events.filter((e) => seen.has(key(e))),
      [],
    );
  });

  it('after a kill between the buffer write and the positions file, reads nothing twice', async () => {
    // The source on the real pipeline and disk buffer; the server is down, so every batch stays buffered.
    const stateDir = tmp();
    const config = dockerSchema.parse({ socket_path: engine.socketPath, interval_ms: 500 });
    const context = { hostName: 'node-1', log: createLogger('silent', 'json'), stateDir };
    const down = new MemorySink(() => ({ outcome: 'retryable', reason: 'down' }));
    const first = await openTestPipeline(down, { stateDir });
    const source = new DockerSource(config, context);
    source.start(first.emitFor('docker'), first.flow('docker'));
    await sleep(300);
    const script = 'i=1; while [ $i -le 300 ]; do echo "w=$i"; i=$((i+1)); done; echo done; sleep 60';
    const id = await engine.run({ name: 'window', cmd: ['sh', '-c', script] });
    // The shipper retries the first batch for ever, so what is buffered shows in the positions only.
    const messages = (batches: IngestBatch[]) =>
      batches.flatMap((b) => b.logs.filter((r) => r.container?.name === 'window').map((r) => r.message));
    let seen = { position: '', since: 0 };
    await until(() => {
      const position = JSON.stringify(source.positions.log(id) ?? null);
      if (position !== seen.position) seen = { position, since: Date.now() };
      return position !== 'null' && first.backlog === 0 && Date.now() - seen.since > 1500;
    }, 'the positions to settle');
    await source.stop();
    await first.stop(0);
    // What a kill -9 right after the buffer write leaves: the records buffered, the file not written.
    rmSync(path.join(stateDir, 'docker.positions.json'));

    const up = new MemorySink();
    const second = await openTestPipeline(up, { stateDir });
    const again = new DockerSource(config, context);
    again.start(second.emitFor('docker'), second.flow('docker'));
    running.push({ logs: [], events: [], metrics: [], stop: () => again.stop() });
    await until(() => messages(up.delivered).includes('done'), 'the buffered lines delivered');
    await sleep(1500); // a source that read the container again would have sent its lines by now
    await again.stop();
    await second.stop(2000);
    assert.deepEqual(messages(up.delivered), [
      ...Array.from({ length: 300 }, (_, i) => `w=${i + 1}`),
      'done',
    ]);
    const starts = up.delivered.flatMap((b) =>
      b.events.filter((e) => e.action === 'start' && e.actor?.name === 'window'),
    );
    assert.equal(starts.length, 1, 'the start event once');
  });
});

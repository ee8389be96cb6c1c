import assert from 'node:assert/strict';
import { readFileSync, statfsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createLogger } from '../../../core/logger.ts';
import { Telemetry } from '../../../core/telemetry.ts';
import type { MetricSample } from '../../../model/index.ts';
import { hostMetricsSchema } from './config.ts';
import { HostMetricsSource } from './host-metrics.ts';
import { memoryReadings } from './memory.ts';
import { parseMeminfo } from './proc.ts';

const fixtures = new URL('../../../../test/fixtures/', import.meta.url).pathname;
const context = (telemetry?: Telemetry) => ({
  hostName: 'node-1',
  log: createLogger('silent', 'json'),
  stateDir: '/nonexistent',
  ...(telemetry ? { telemetry } : {}),
});
const find = (samples: MetricSample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('memory and swap', () => {
  it('derives used memory and swap from the kernel fields', () => {
    const meminfo = parseMeminfo(readFileSync(`${fixtures}proc/meminfo`, 'utf8'));
    const readings = memoryReadings(meminfo);
    const get = (name: string) => readings.find((r) => r.name === name)?.value;
    assert.equal(get('node_memory_MemTotal_bytes'), meminfo.get('MemTotal'));
    assert.equal(get('node_memory_MemUsed_bytes'), meminfo.get('MemTotal')! - meminfo.get('MemAvailable')!);
    assert.equal(get('node_memory_SwapUsed_bytes'), meminfo.get('SwapTotal')! - meminfo.get('SwapFree')!);
    for (const field of ['MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapTotal', 'SwapFree'])
      assert.equal(get(`node_memory_${field}_bytes`), meminfo.get(field), field);
  });

  it('estimates available memory on kernels without MemAvailable', () => {
    const readings = memoryReadings(
      new Map([
        ['MemTotal', 100],
        ['MemFree', 10],
        ['Buffers', 5],
        ['Cached', 20],
      ]),
    );
    assert.equal(readings.find((r) => r.name === 'node_memory_MemUsed_bytes')?.value, 65);
  });
});

describe('host metrics source', () => {
  it('reports every area from a captured /proc and /sys, counting the file it lacks', async () => {
    const telemetry = new Telemetry();
    const config = hostMetricsSchema.parse({ proc_root: `${fixtures}proc`, sys_root: `${fixtures}sys` });
    const source = new HostMetricsSource(config, context(telemetry));
    const samples = await source.collect(1_700_000_000_000);
    assert.ok(samples.every((s) => s.labels.host === 'node-1' && s.ts === 1_700_000_000_000));
    for (const name of [
      'node_cpu_seconds_total',
      'node_load15',
      'node_memory_SwapUsed_bytes',
      'node_uptime_seconds',
      'node_boot_time_seconds',
      'node_procs_running',
      'node_processes_threads',
      'node_forks_total',
      'node_disk_written_bytes_total',
      'node_network_receive_errs_total',
      'node_network_up',
    ])
      assert.ok(find(samples, name), name);
    // A proc_root other than /proc means a container: mounts come from the host's PID 1, absent here.
    assert.equal(find(samples, 'node_filesystem_size_bytes'), undefined);
    const errors = {
      component_kind: 'source',
      component_id: 'host_metrics',
      stage: 'collect',
      error_type: 'read',
    };
    assert.equal(telemetry.get('component_errors_total', errors), 1);
  });

  it('matches what /proc says at the same moment', async () => {
    const source = new HostMetricsSource(hostMetricsSchema.parse({}), context());
    const samples = await source.collect();
    const meminfo = parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
    assert.equal(find(samples, 'node_memory_MemTotal_bytes')?.value, meminfo.get('MemTotal'));
    assert.equal(find(samples, 'node_memory_SwapTotal_bytes')?.value, meminfo.get('SwapTotal'));
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]);
    assert.equal(find(samples, 'node_boot_time_seconds')?.value, btime);
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    assert.ok(Math.abs(find(samples, 'node_uptime_seconds')!.value - uptime) < 2);
    const cpus = readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm)!.length;
    assert.equal(find(samples, 'node_cpus')?.value, cpus);
    assert.ok(find(samples, 'node_filesystem_size_bytes', { mountpoint: '/' }));
    const devices = readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).filter(Boolean);
    const eth = devices.map((l) => l.split(':')[0]!.trim()).find((d) => d !== 'lo');
    if (eth) assert.ok(find(samples, 'node_network_transmit_bytes_total', { device: eth }));
  });

  it('lies between what /proc says just before and just after, for counters and gauges', async () => {
    // Read here with plain splitting, not the source's parsers, so a parser bug cannot hide.
    const snapshot = () => {
      const stat = readFileSync('/proc/stat', 'utf8');
      const cpu = stat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const net = new Map<string, number[]>();
      for (const line of readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2)) {
        const [name, rest] = line.split(':');
        if (rest) net.set(name!.trim(), rest.trim().split(/\s+/).map(Number));
      }
      const disk = new Map<string, number[]>();
      for (const line of readFileSync('/proc/diskstats', 'utf8').trim().split('\n')) {
        const f = line.trim().split(/\s+/);
        disk.set(f[2]!, f.slice(3).map(Number));
      }
      const meminfo = parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
      return {
        cpu,
        forks: Number(/^processes (\d+)$/m.exec(stat)![1]),
        net,
        disk,
        load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
        available: meminfo.get('MemAvailable')!,
      };
    };
    const within = (what: string, value: number | undefined, a: number, b: number, slack = 0) => {
      assert.ok(value !== undefined, `${what} missing`);
      assert.ok(
        value >= Math.min(a, b) - slack && value <= Math.max(a, b) + slack,
        `${what}: ${value} not between ${a} and ${b}`,
      );
    };
    const before = snapshot();
    const samples = await new HostMetricsSource(hostMetricsSchema.parse({}), context()).collect();
    const after = snapshot();

    const modes = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
    modes.forEach((mode, i) => {
      const value = find(samples, 'node_cpu_seconds_total', { mode })?.value;
      within(`cpu ${mode}`, value, before.cpu[i]! / 100, after.cpu[i]! / 100);
    });
    within('forks', find(samples, 'node_forks_total')?.value, before.forks, after.forks);
    within('load1', find(samples, 'node_load1')?.value, before.load1, after.load1);
    // Other processes allocate meanwhile; 64 MiB of slack for the moments between the reads.
    const available = find(samples, 'node_memory_MemAvailable_bytes')?.value;
    within('MemAvailable', available, before.available, after.available, 64 * 1024 * 1024);

    const devices = [...before.net.keys()].filter((d) => d !== 'lo');
    assert.ok(devices.length > 0, 'no network interface but lo');
    for (const device of devices) {
      // /proc/net/dev columns: receive bytes first, transmit bytes ninth.
      const [a, b] = [before.net.get(device)!, after.net.get(device)!];
      const value = (name: string) => find(samples, name, { device })?.value;
      within(`${device} rx`, value('node_network_receive_bytes_total'), a[0]!, b[0]!);
      within(`${device} tx`, value('node_network_transmit_bytes_total'), a[8]!, b[8]!);
    }
    const disks = samples.filter((s) => s.name === 'node_disk_read_bytes_total');
    assert.ok(disks.length > 0, 'no disk reported');
    for (const sample of disks) {
      const device = sample.labels.device!;
      // diskstats fields after the name: reads, merged, sectors read, …; sectors are 512 bytes.
      within(
        `${device} read bytes`,
        sample.value,
        before.disk.get(device)![2]! * 512,
        after.disk.get(device)![2]! * 512,
      );
    }

    const root = statfsSync('/');
    const size = find(samples, 'node_filesystem_size_bytes', { mountpoint: '/' })?.value;
    assert.equal(size, root.blocks * root.bsize);
  });

  it('emits a first reading at start and CPU usage shortly after', async () => {
    const source = new HostMetricsSource(hostMetricsSchema.parse({ interval_ms: 100 }), context());
    const batches: MetricSample[][] = [];
    source.start(({ metrics }) => {
      batches.push(metrics ?? []);
      return true;
    });
    for (let i = 0; i < 100 && batches.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await source.stop();
    await source.stop();
    assert.ok(batches.length >= 2);
    assert.equal(find(batches[0]!, 'node_cpu_usage_percent'), undefined);
    assert.ok(find(batches[1]!, 'node_cpu_usage_percent'));
  });
});

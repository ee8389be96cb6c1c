import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

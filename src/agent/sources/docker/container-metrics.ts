import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MetricSample } from '../../../model/index.ts';
import { parseNetDev } from '../host-metrics/network.ts';
import type { Reading } from '../host-metrics/proc.ts';
import { containerLabels, type ContainerInfo } from './catalog.ts';
import { cgroupReadings, cpuUsageSeconds, type CgroupTexts } from './cgroup-files.ts';

/**
 * Reads each container's cgroup files (v1: one directory per controller; v2: one unified
 * directory) and its init process's /proc/<pid>/net/dev — a few small file reads per container
 * per interval, instead of the stats endpoint's second-long call per container.
 *
 * Directories are found by the names Docker's two cgroup drivers give them: cgroupfs
 * `<parent or docker>/<id>`, systemd `system.slice/docker-<id>.scope`; the first that exists wins.
 */

const V1_FILES: Record<string, string[]> = {
  cpuacct: ['cpuacct.usage', 'cpuacct.stat'],
  cpu: ['cpu.stat'],
  memory: [
    'memory.usage_in_bytes',
    'memory.stat',
    'memory.limit_in_bytes',
    'memory.failcnt',
    'memory.oom_control',
  ],
  pids: ['pids.current'],
  blkio: ['blkio.throttle.io_service_bytes', 'blkio.throttle.io_serviced'],
};
const V2_FILES = [
  'cpu.stat',
  'memory.current',
  'memory.stat',
  'memory.max',
  'memory.events',
  'pids.current',
  'io.stat',
];

export function cgroupCandidates(info: ContainerInfo): string[] {
  const parent = info.cgroupParent.replace(/^\/+/, '');
  const out = [`docker/${info.id}`, `system.slice/docker-${info.id}.scope`];
  if (parent !== '')
    out.unshift(parent.endsWith('.slice') ? `${parent}/docker-${info.id}.scope` : `${parent}/${info.id}`);
  return out;
}

export class ContainerMetrics {
  /** CPU seconds and wall time at the previous reading, per container, for the percentage. */
  private readonly previous = new Map<string, { cpu: number; at: number }>();
  private readonly unified: boolean;

  constructor(
    private readonly cgroupRoot: string,
    private readonly procRoot: string,
  ) {
    this.unified = existsSync(path.join(cgroupRoot, 'cgroup.controllers'));
  }

  collect(containers: ContainerInfo[], host: string, now = Date.now()): MetricSample[] {
    const samples: MetricSample[] = [];
    const live = new Set<string>();
    for (const info of containers) {
      const readings: Reading[] = [
        { name: 'container_state', value: info.running ? 1 : 0 },
        { name: 'container_restarts_total', value: info.restartCount },
        { name: 'container_last_exit_code', value: info.exitCode },
      ];
      if (info.running) {
        live.add(info.id);
        readings.push(...this.running(info, now));
      }
      const labels = containerLabels(info, host);
      for (const r of readings)
        samples.push({ name: r.name, labels: { ...labels, ...r.labels }, value: r.value, ts: now });
    }
    for (const id of this.previous.keys()) if (!live.has(id)) this.previous.delete(id);
    return samples;
  }

  private running(info: ContainerInfo, now: number): Reading[] {
    const files = this.readCgroup(info);
    const readings = cgroupReadings(files);
    const cpu = cpuUsageSeconds(files);
    const before = this.previous.get(info.id);
    if (cpu !== undefined) {
      this.previous.set(info.id, { cpu, at: now });
      // What `docker stats` shows: share of one core over the interval, so 200 means two busy cores.
      if (before && now > before.at && cpu >= before.cpu) {
        readings.push({
          name: 'container_cpu_usage_percent',
          value: ((cpu - before.cpu) / ((now - before.at) / 1000)) * 100,
        });
      }
    }
    if (info.pid > 0) readings.push(...this.network(info.pid));
    return readings;
  }

  readCgroup(info: ContainerInfo): CgroupTexts {
    const files: CgroupTexts = new Map();
    const candidates = cgroupCandidates(info);
    // Synchronous reads: cgroup files live in kernel memory and answer in microseconds, where a
    // promise and a thread-pool round trip per file cost more than the read (50 containers × a
    // dozen files every interval).
    const read = (dir: string, names: string[]) => {
      for (const name of names) {
        try {
          files.set(name, readFileSync(path.join(dir, name), 'utf8'));
        } catch {
          // Not this kernel's or not mounted: its metrics are left out.
        }
      }
    };
    if (this.unified) {
      const dir = candidates.map((c) => path.join(this.cgroupRoot, c)).find((d) => existsSync(d));
      if (dir !== undefined) read(dir, V2_FILES);
      return files;
    }
    for (const [controller, names] of Object.entries(V1_FILES)) {
      const dir = candidates.map((c) => path.join(this.cgroupRoot, controller, c)).find((d) => existsSync(d));
      if (dir !== undefined) read(dir, names);
    }
    return files;
  }

  /** The container's own network namespace, seen through its init process; loopback left out. */
  private network(pid: number): Reading[] {
    let text: string;
    try {
      text = readFileSync(path.join(this.procRoot, String(pid), 'net/dev'), 'utf8');
    } catch {
      return []; // The process exited since the last inspect.
    }
    const out: Reading[] = [];
    for (const dev of parseNetDev(text)) {
      if (dev.device === 'lo') continue;
      const labels = { interface: dev.device };
      for (const [dir, stats] of [
        ['receive', dev.receive],
        ['transmit', dev.transmit],
      ] as const) {
        out.push({ name: `container_network_${dir}_bytes_total`, value: stats.bytes, labels });
        out.push({ name: `container_network_${dir}_packets_total`, value: stats.packets, labels });
        out.push({ name: `container_network_${dir}_errors_total`, value: stats.errs, labels });
        out.push({ name: `container_network_${dir}_packets_dropped_total`, value: stats.drop, labels });
      }
    }
    return out;
  }
}

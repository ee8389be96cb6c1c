import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { componentCounters, type ComponentCounters } from '../../../core/telemetry.ts';
import type { MetricSample } from '../../../model/index.ts';
import type { Emit, Source, SourceContext } from '../source.ts';
import type { HostMetricsConfig } from './config.ts';
import { diskReadings, parseDiskstats } from './disk.ts';
import { parseMounts, selectMounts, SpaceReader } from './filesystem.ts';
import { memoryReadings } from './memory.ts';
import { networkReadings, parseNetDev } from './network.ts';
import {
  CPU_MODES,
  cpuBusyPercent,
  parseLoadavg,
  parseLoadavgEntities,
  parseMeminfo,
  parseProcStat,
  parseUptime,
  type CpuTimes,
  type Reading,
} from './proc.ts';

export type { HostMetricsConfig } from './config.ts';

/** The second reading comes soon after the first, so CPU usage shows within seconds of start. */
const FIRST_DELTA_MS = 1000;

/**
 * The node's CPU, memory, swap, load, filesystems, disk and network I/O, uptime and process counts
 * from /proc and /sys: one read per file per interval, no child processes. Metric names follow
 * node_exporter; `node_cpu_usage_percent` is the busy share since the previous reading, the figure
 * `top` shows. A file that cannot be read (a kernel without it, a container without the mount)
 * costs only its own metrics: it is counted and logged once, the rest is still reported.
 */
export class HostMetricsSource implements Source {
  readonly kind = 'host_metrics';
  readonly id = 'host_metrics';
  private timer: NodeJS.Timeout | undefined;
  private previous: CpuTimes | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly space: SpaceReader;
  private readonly counters: ComponentCounters | undefined;
  private readonly warned = new Set<string>();
  private readonly disksExclude: RegExp;
  private readonly networkExclude: RegExp;

  constructor(
    private readonly config: HostMetricsConfig,
    private readonly context: SourceContext,
  ) {
    this.space = new SpaceReader(config.rootfs_path, config.filesystems.statfs_timeout_ms);
    this.counters = context.telemetry && componentCounters(context.telemetry, 'source', this.id);
    this.disksExclude = new RegExp(config.disks.devices_exclude);
    this.networkExclude = new RegExp(config.network.devices_exclude);
  }

  start(emit: Emit): void {
    let first = true;
    const run = () => {
      this.running = this.collect()
        .then((metrics) => {
          this.counters?.received(metrics.length);
          emit({ metrics });
        })
        .catch((error: unknown) => this.problem('collect', error))
        .finally(() => {
          const delay = first ? Math.min(FIRST_DELTA_MS, this.config.interval_ms) : this.config.interval_ms;
          first = false;
          if (!this.stopped) this.timer = setTimeout(run, delay);
        });
    };
    run();
  }

  async collect(now = Date.now()): Promise<MetricSample[]> {
    const { proc_root: proc, filesystems, disks, network } = this.config;
    // In a container /proc/self is the agent's own mount namespace; PID 1 of the host's /proc is the node's.
    const mountsFile = path.resolve(proc) === '/proc' ? 'self/mounts' : '1/mounts';
    const files = ['stat', 'meminfo', 'loadavg', 'uptime'];
    if (filesystems.enabled) files.push(mountsFile);
    if (disks.enabled) files.push('diskstats');
    if (network.enabled) files.push('net/dev');
    const texts = new Map<string, string>();
    await Promise.all(
      files.map(async (file) => {
        try {
          texts.set(file, await readFile(path.join(proc, file), 'utf8'));
        } catch (error) {
          this.problem(file, error);
        }
      }),
    );
    const stat = texts.get('stat');
    if (stat === undefined) throw new Error(`cannot read ${path.join(proc, 'stat')}`);

    const readings: Reading[] = [];
    readings.push(...this.cpuReadings(stat));
    const meminfo = texts.get('meminfo');
    if (meminfo !== undefined) readings.push(...memoryReadings(parseMeminfo(meminfo)));
    const loadavg = texts.get('loadavg');
    if (loadavg !== undefined) readings.push(...loadReadings(loadavg));
    const uptime = texts.get('uptime');
    if (uptime !== undefined) readings.push({ name: 'node_uptime_seconds', value: parseUptime(uptime) });
    const diskstats = texts.get('diskstats');
    if (diskstats !== undefined) readings.push(...diskReadings(parseDiskstats(diskstats), this.disksExclude));
    const netDev = texts.get('net/dev');
    if (netDev !== undefined) readings.push(...(await this.networkReadings(netDev)));
    const mounts = texts.get(mountsFile);
    if (mounts !== undefined) {
      const { readings: space, failed } = await this.space.read(
        selectMounts(parseMounts(mounts), filesystems),
      );
      readings.push(...space);
      for (const mountpoint of failed)
        this.problem(`statfs ${mountpoint}`, new Error('statfs failed or timed out'));
    }

    const host = this.context.hostName;
    return readings.map(({ name, value, labels }) => ({ name, labels: { host, ...labels }, value, ts: now }));
  }

  private cpuReadings(stat: string): Reading[] {
    const cpu = parseProcStat(stat);
    const out: Reading[] = CPU_MODES.map((mode) => ({
      name: 'node_cpu_seconds_total',
      value: cpu.total[mode],
      labels: { mode },
    }));
    out.push({ name: 'node_cpus', value: cpu.cpus });
    if (this.previous) {
      const busy = cpuBusyPercent(this.previous, cpu.total);
      if (busy !== undefined) out.push({ name: 'node_cpu_usage_percent', value: busy });
    }
    this.previous = cpu.total;
    if (cpu.bootTimeSeconds !== undefined)
      out.push({ name: 'node_boot_time_seconds', value: cpu.bootTimeSeconds });
    if (cpu.processesRunning !== undefined)
      out.push({ name: 'node_procs_running', value: cpu.processesRunning });
    if (cpu.processesBlocked !== undefined)
      out.push({ name: 'node_procs_blocked', value: cpu.processesBlocked });
    if (cpu.forks !== undefined) out.push({ name: 'node_forks_total', value: cpu.forks });
    return out;
  }

  /** node_network_up needs /sys/class/net/<iface>/operstate: one small read per reported interface. */
  private async networkReadings(netDev: string): Promise<Reading[]> {
    const stats = parseNetDev(netDev).filter((s) => !this.networkExclude.test(s.device));
    const operstate = new Map<string, string>();
    await Promise.all(
      stats.map(async ({ device }) => {
        try {
          const file = path.join(this.config.sys_root, 'class/net', device, 'operstate');
          operstate.set(device, (await readFile(file, 'utf8')).trim());
        } catch {
          // No /sys mounted (some containers): the I/O counters are still worth reporting.
        }
      }),
    );
    return networkReadings(stats, this.networkExclude, operstate);
  }

  /** Counts every failure; logs each kind once, since it would repeat every interval. */
  private problem(what: string, error: unknown): void {
    this.counters?.error('collect', what.startsWith('statfs') ? 'statfs' : 'read');
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.context.log.warn({ err: error, what }, 'host metrics: cannot read; its metrics are left out');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

function loadReadings(loadavg: string): Reading[] {
  const [load1, load5, load15] = parseLoadavg(loadavg);
  const out: Reading[] = [
    { name: 'node_load1', value: load1 },
    { name: 'node_load5', value: load5 },
    { name: 'node_load15', value: load15 },
  ];
  const entities = parseLoadavgEntities(loadavg);
  // node_exporter's name for the count of all kernel tasks (processes and their threads).
  if (entities) out.push({ name: 'node_processes_threads', value: entities.total });
  return out;
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../../config/index.ts';
import type { MetricSample } from '../../../model/index.ts';
import type { Emit, Source, SourceContext } from '../source.ts';
import {
  CPU_MODES,
  cpuBusyPercent,
  parseLoadavg,
  parseMeminfo,
  parseProcStat,
  type CpuTimes,
} from './proc.ts';

export type HostMetricsConfig = Config['agent']['host_metrics'];

/** The /proc/meminfo fields kept, under node_exporter's names (node_memory_<Field>_bytes). */
const MEMINFO_FIELDS = ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapTotal', 'SwapFree'];

/** The second reading comes soon after the first, so CPU usage shows within seconds of start. */
const FIRST_DELTA_MS = 1000;

/**
 * CPU, load and memory of the node from /proc: one read per file per interval, no child processes.
 * Metric names follow node_exporter; `node_cpu_usage_percent` is the busy share since the previous
 * reading, the figure `top` shows.
 */
export class HostMetricsSource implements Source {
  readonly kind = 'host_metrics';
  readonly id = 'host_metrics';
  private timer: NodeJS.Timeout | undefined;
  private previous: CpuTimes | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: HostMetricsConfig,
    private readonly context: SourceContext,
  ) {}

  start(emit: Emit): void {
    let first = true;
    const run = () => {
      this.running = this.collect()
        .then((metrics) => void emit({ metrics }))
        .catch((error: unknown) => this.context.log.warn({ err: error }, 'host metrics: cannot read /proc'))
        .finally(() => {
          const delay = first ? Math.min(FIRST_DELTA_MS, this.config.interval_ms) : this.config.interval_ms;
          first = false;
          if (!this.stopped) this.timer = setTimeout(run, delay);
        });
    };
    run();
  }

  async collect(now = Date.now()): Promise<MetricSample[]> {
    const root = this.config.proc_root;
    const [stat, meminfo, loadavg] = await Promise.all(
      ['stat', 'meminfo', 'loadavg'].map((file) => readFile(path.join(root, file), 'utf8')),
    );
    const host = this.context.hostName;
    const samples: MetricSample[] = [];
    const add = (name: string, value: number, labels: Record<string, string> = {}) =>
      samples.push({ name, labels: { host, ...labels }, value, ts: now });

    const cpu = parseProcStat(stat!);
    for (const mode of CPU_MODES) add('node_cpu_seconds_total', cpu.total[mode], { mode });
    add('node_cpus', cpu.cpus);
    if (this.previous) {
      const busy = cpuBusyPercent(this.previous, cpu.total);
      if (busy !== undefined) add('node_cpu_usage_percent', busy);
    }
    this.previous = cpu.total;
    if (cpu.bootTimeSeconds !== undefined) add('node_boot_time_seconds', cpu.bootTimeSeconds);
    if (cpu.processesRunning !== undefined) add('node_procs_running', cpu.processesRunning);
    if (cpu.processesBlocked !== undefined) add('node_procs_blocked', cpu.processesBlocked);

    const memory = parseMeminfo(meminfo!);
    for (const field of MEMINFO_FIELDS) {
      const value = memory.get(field);
      if (value !== undefined) add(`node_memory_${field}_bytes`, value);
    }
    const [load1, load5, load15] = parseLoadavg(loadavg!);
    add('node_load1', load1);
    add('node_load5', load5);
    add('node_load15', load15);
    return samples;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

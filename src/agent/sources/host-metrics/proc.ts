/**
 * Pure parsers for the /proc files host metrics come from. They take the file's text so they can
 * be tested on real captures in test/fixtures/proc/.
 */

/** One value read from the node, before it gets its host label and timestamp. */
export interface Reading {
  name: string;
  value: number;
  labels?: Record<string, string>;
}

/** Jiffies per second; Linux exports /proc/stat in USER_HZ, which is 100 on every supported arch. */
export const USER_HZ = 100;

export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuMode = (typeof CPU_MODES)[number];
export type CpuTimes = Record<CpuMode, number>;

export interface ProcStat {
  /** Seconds per mode summed over all CPUs (the `cpu` line). */
  total: CpuTimes;
  cpus: number;
  bootTimeSeconds?: number;
  processesRunning?: number;
  processesBlocked?: number;
  /** Processes and threads created since boot (the `processes` line). */
  forks?: number;
}

export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  let cpus = 0;
  const result: Partial<ProcStat> = {};
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const key = fields[0];
    if (key === 'cpu') {
      // guest and guest_nice are already included in user and nice, so they are not added again.
      total = Object.fromEntries(
        CPU_MODES.map((mode, i) => [mode, Number(fields[i + 1] ?? 0) / USER_HZ]),
      ) as CpuTimes;
    } else if (key?.startsWith('cpu')) cpus++;
    else if (key === 'btime') result.bootTimeSeconds = Number(fields[1]);
    else if (key === 'procs_running') result.processesRunning = Number(fields[1]);
    else if (key === 'procs_blocked') result.processesBlocked = Number(fields[1]);
    else if (key === 'processes') result.forks = Number(fields[1]);
  }
  if (!total) throw new Error('no "cpu" line in /proc/stat');
  return { ...result, total, cpus };
}

/** /proc/meminfo as bytes by field name (MemTotal, MemAvailable, …). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]) * (line.trimEnd().endsWith('kB') ? 1024 : 1));
  }
  return out;
}

export function parseLoadavg(text: string): [number, number, number] {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  if (![one, five, fifteen].every((n) => Number.isFinite(n)))
    throw new Error(`unexpected /proc/loadavg: ${text}`);
  return [one!, five!, fifteen!];
}

/**
 * The fourth field of /proc/loadavg, "4/98": runnable and total kernel scheduling entities
 * (processes and their threads).
 */
export function parseLoadavgEntities(text: string): { runnable: number; total: number } | undefined {
  const m = /^\S+\s+\S+\s+\S+\s+(\d+)\/(\d+)/.exec(text.trim());
  return m ? { runnable: Number(m[1]), total: Number(m[2]) } : undefined;
}

/** /proc/uptime's first field: seconds since boot, from the monotonic clock (steps of NTP don't move it). */
export function parseUptime(text: string): number {
  const first = text.trim().split(/\s+/)[0] ?? '';
  const seconds = Number(first);
  if (!/^\d+(\.\d+)?$/.test(first) || !Number.isFinite(seconds))
    throw new Error(`unexpected /proc/uptime: ${text}`);
  return seconds;
}

/** Share of time the CPUs were busy between two readings, 0–100. */
export function cpuBusyPercent(before: CpuTimes, after: CpuTimes): number | undefined {
  let total = 0;
  for (const mode of CPU_MODES) total += after[mode] - before[mode];
  if (total <= 0) return undefined;
  const idle = after.idle - before.idle + (after.iowait - before.iowait);
  return Math.min(100, Math.max(0, (100 * (total - idle)) / total));
}

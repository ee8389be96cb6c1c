import { readFileSync } from 'node:fs';
import os from 'node:os';

/** User + system CPU seconds a child process has used so far (from /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 here; in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The process's peak resident set size (VmHWM) in MB. */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/** The 1-minute load average, to print next to every figure measured on a shared machine. */
export function loadAverage(): string {
  return os.loadavg()[0]!.toFixed(2);
}

/**
 * Node options for the measured agent from BENCH_AGENT_NODE_ARGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the agent under the benchmark.
 */
export function agentNodeArgs(): string[] {
  return (process.env.BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { compiledIsCurrent } from '../bin/compiled.js';
import { MALLOC_ENV } from '../src/agent/heap-mode.ts';

const TICKS_PER_SECOND = 100; // USER_HZ, the unit of utime and stime in /proc/<pid>/stat

/** Parent pid and utime + stime ticks of a /proc/<pid>/stat line. */
function parseStat(text: string): { ppid: number; ticks: number } {
  // Fields after the command name (which may hold spaces) start after the last ')'; utime and
  // stime are fields 14 and 15 of the whole line, 12 and 13 here.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** User + system CPU seconds a child process has used so far; 0 once it has ended. */
export function cpuSeconds(pid: number): number {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).ticks / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds this process's main thread and each of its other threads (worker threads, V8's and
 * libuv's helpers) have used so far, from /proc/self/task: with two free cores the busiest thread,
 * not the sum, bounds the wall clock.
 */
export function threadCpuSeconds(): { main: number; others: Map<number, number> } {
  const others = threadsCpuSeconds(process.pid);
  const main = others.get(process.pid) ?? 0;
  others.delete(process.pid);
  return { main, others };
}

/** CPU seconds each thread of `pid` has used so far, by thread id (the main thread's id is `pid`). */
export function threadsCpuSeconds(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(
        Number(name),
        parseStat(readFileSync(`/proc/${pid}/task/${name}/stat`, 'utf8')).ticks / TICKS_PER_SECOND,
      );
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** CPU seconds used so far by `pid` and its descendants that are still running (e.g. journalctl). */
export function treeCpuSeconds(pid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      stats.set(Number(name), parseStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, s] of stats) {
      if (!tree.has(p) && tree.has(s.ppid)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const p of tree) ticks += stats.get(p)?.ticks ?? 0;
  return ticks / TICKS_PER_SECOND;
}

/** A figure of a /proc/<pid>/status text, given there in kB, in MB. */
function statusMb(status: string, name: string): number {
  const m = new RegExp(`${name}:\\s+(\\d+) kB`).exec(status);
  return Number(m?.[1] ?? 0) / 1024;
}

const statusOf = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');

/** The process's resident set size (VmRSS) in MB. */
export function rssMb(pid: number): number {
  return statusMb(statusOf(pid), 'VmRSS');
}

/**
 * The resident set size and what it holds, from one read: anonymous memory (heaps) and file pages
 * (node's binary, libraries), in MB.
 */
export function rssPartsMb(pid: number): { rss: number; anonymous: number; file: number } {
  const status = statusOf(pid);
  return {
    rss: statusMb(status, 'VmRSS'),
    anonymous: statusMb(status, 'RssAnon'),
    file: statusMb(status, 'RssFile'),
  };
}

/** The process's peak resident set size (VmHWM) in MB. */
export function peakRssMb(pid: number): number {
  return statusMb(statusOf(pid), 'VmHWM');
}

/** The 1-minute load average, to print next to every figure measured on a shared machine. */
export function loadAverage(): string {
  return os.loadavg()[0]!.toFixed(2);
}

/**
 * How the measured agent is started: with the environment its deployments give it (`MALLOC_ENV`)
 * and the Node options from BENCH_AGENT_NODE_ARGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the agent under the benchmark.
 */
export function agentStart(): { env: Record<string, string>; nodeArgs: string[] } {
  // A source newer than dist/ makes bin/birdseye.js run the agent under tsx, which costs memory.
  if (!compiledIsCurrent()) {
    throw new Error(
      'dist/birdseye.js is missing or older than src/: run `npm run build:agent` (`npm run bench` does)',
    );
  }
  return {
    env: { ...MALLOC_ENV },
    nodeArgs: (process.env.BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean),
  };
}

/**
 * Node options for the measured server from BENCH_SERVER_NODE_ARGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server under the benchmark.
 */
export function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

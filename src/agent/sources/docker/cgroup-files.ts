import type { Reading } from '../host-metrics/proc.ts';

/**
 * Pure parsers for the cgroup files container metrics come from, v1 and v2, and the cAdvisor
 * readings built from them. They take file texts so they are table-tested on real captures in
 * test/fixtures/cgroup/. A file that is missing (a controller not mounted, an older kernel) is
 * simply absent from `CgroupTexts` and its metrics are left out.
 */

/** File name → text, as read from the container's cgroup directories. */
export type CgroupTexts = Map<string, string>;

/** v1 reports "no limit" as the largest page-aligned int64; anything this large is unlimited. */
const UNLIMITED = 2 ** 60;
const USER_HZ = 100;

/** "key value" lines: memory.stat, cpu.stat, memory.events, memory.oom_control, cpuacct.stat. */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^-?\d+$/.test(value)) out.set(key, Number(value));
  }
  return out;
}

/** A file holding one number; v2's "max" (no limit) is undefined. */
export function parseSingle(text: string | undefined): number | undefined {
  const value = text?.trim();
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

export interface DeviceIo {
  device: string;
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
}

/** v1 blkio.throttle.io_service_bytes and io_serviced: "8:0 Read 4096" lines, plus a Total. */
export function parseBlkioV1(bytesText: string, servicedText = ''): DeviceIo[] {
  const devices = new Map<string, DeviceIo>();
  const take = (text: string, bytes: boolean) => {
    for (const line of text.split('\n')) {
      const [device, op, value] = line.trim().split(/\s+/);
      if (!device || !/^\d+:\d+$/.test(device) || value === undefined) continue;
      const io = devices.get(device) ?? { device, readBytes: 0, writeBytes: 0, reads: 0, writes: 0 };
      devices.set(device, io);
      if (op === 'Read') io[bytes ? 'readBytes' : 'reads'] = Number(value);
      if (op === 'Write') io[bytes ? 'writeBytes' : 'writes'] = Number(value);
    }
  };
  take(bytesText, true);
  take(servicedText, false);
  return [...devices.values()];
}

/** v2 io.stat: "8:0 rbytes=… wbytes=… rios=… wios=… dbytes=… dios=…" per device. */
export function parseIoStatV2(text: string): DeviceIo[] {
  const out: DeviceIo[] = [];
  for (const line of text.split('\n')) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    if (!device || !/^\d+:\d+$/.test(device)) continue;
    const kv = new Map(pairs.map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]));
    out.push({
      device,
      readBytes: kv.get('rbytes') ?? 0,
      writeBytes: kv.get('wbytes') ?? 0,
      reads: kv.get('rios') ?? 0,
      writes: kv.get('wios') ?? 0,
    });
  }
  return out;
}

/** The CPU usage counter in seconds, v1 cpuacct.usage (ns) or v2 cpu.stat usage_usec. */
export function cpuUsageSeconds(files: CgroupTexts): number | undefined {
  const ns = parseSingle(files.get('cpuacct.usage'));
  if (ns !== undefined) return ns / 1e9;
  const usec = parseFlatKeyed(files.get('cpu.stat') ?? '').get('usage_usec');
  return usec === undefined ? undefined : usec / 1e6;
}

/** cAdvisor's CPU, memory, pids and block I/O readings for one container. */
export function cgroupReadings(files: CgroupTexts): Reading[] {
  const out: Reading[] = [];
  const put = (name: string, value: number | undefined, labels?: Record<string, string>) => {
    if (value !== undefined && Number.isFinite(value))
      out.push(labels ? { name, value, labels } : { name, value });
  };
  const cpu = parseFlatKeyed(files.get('cpu.stat') ?? '');
  put('container_cpu_usage_seconds_total', cpuUsageSeconds(files));
  const acct = parseFlatKeyed(files.get('cpuacct.stat') ?? '');
  const user = acct.has('user') ? acct.get('user')! / USER_HZ : micro(cpu.get('user_usec'));
  const system = acct.has('system') ? acct.get('system')! / USER_HZ : micro(cpu.get('system_usec'));
  put('container_cpu_user_seconds_total', user);
  put('container_cpu_system_seconds_total', system);
  put('container_cpu_cfs_periods_total', cpu.get('nr_periods'));
  put('container_cpu_cfs_throttled_periods_total', cpu.get('nr_throttled'));
  // v1 throttled_time is in ns, v2 throttled_usec in µs.
  const throttled = cpu.has('throttled_time')
    ? cpu.get('throttled_time')! / 1e9
    : micro(cpu.get('throttled_usec'));
  put('container_cpu_cfs_throttled_seconds_total', throttled);

  const v1 = files.has('memory.usage_in_bytes');
  const stat = parseFlatKeyed(files.get('memory.stat') ?? '');
  const usage = parseSingle(files.get(v1 ? 'memory.usage_in_bytes' : 'memory.current'));
  // v1's memory.stat has the cgroup's own and the hierarchical (total_*) counters; the latter match v2.
  const inactiveFile = stat.get(v1 ? 'total_inactive_file' : 'inactive_file') ?? 0;
  put('container_memory_usage_bytes', usage);
  if (usage !== undefined) put('container_memory_working_set_bytes', Math.max(0, usage - inactiveFile));
  put('container_memory_rss', stat.get(v1 ? 'total_rss' : 'anon'));
  put('container_memory_cache', stat.get(v1 ? 'total_cache' : 'file'));
  if (files.has('memory.limit_in_bytes') || files.has('memory.max')) {
    const limit = parseSingle(files.get(v1 ? 'memory.limit_in_bytes' : 'memory.max'));
    // cAdvisor reports an unlimited container as 0.
    put('container_spec_memory_limit_bytes', limit === undefined || limit >= UNLIMITED ? 0 : limit);
  }
  const events = parseFlatKeyed(files.get('memory.events') ?? '');
  // v2 has no failcnt; `max` counts the same thing: usage hitting the limit.
  put('container_memory_failcnt', v1 ? parseSingle(files.get('memory.failcnt')) : events.get('max'));
  const oom = v1 ? parseFlatKeyed(files.get('memory.oom_control') ?? '') : events;
  put('container_oom_events_total', oom.get('oom_kill'));
  put('container_pids_current', parseSingle(files.get('pids.current')));

  const io = files.has('io.stat')
    ? parseIoStatV2(files.get('io.stat')!)
    : parseBlkioV1(
        files.get('blkio.throttle.io_service_bytes') ?? '',
        files.get('blkio.throttle.io_serviced') ?? '',
      );
  for (const d of io) {
    const [major = '', minor = ''] = d.device.split(':');
    const labels = { device: d.device, major, minor };
    put('container_blkio_device_usage_total', d.readBytes, { ...labels, operation: 'Read' });
    put('container_blkio_device_usage_total', d.writeBytes, { ...labels, operation: 'Write' });
    put('container_fs_reads_bytes_total', d.readBytes, labels);
    put('container_fs_writes_bytes_total', d.writeBytes, labels);
    put('container_fs_reads_total', d.reads, labels);
    put('container_fs_writes_total', d.writes, labels);
  }
  return out;
}

function micro(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value / 1e6;
}

import type { Reading } from './proc.ts';

/**
 * Memory and swap from /proc/meminfo (already parsed to bytes by `parseMeminfo`), under
 * node_exporter's names: node_memory_<Field>_bytes for the kernel's own fields. node_exporter has
 * no "used"; Birdseye adds node_memory_MemUsed_bytes and node_memory_SwapUsed_bytes because every
 * chart wants them, named in the same style so they sort next to their parts.
 */

/** Kernel fields forwarded as they are. */
export const MEMINFO_FIELDS = [
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'SwapTotal',
  'SwapFree',
] as const;

export function memoryReadings(meminfo: ReadonlyMap<string, number>): Reading[] {
  const out: Reading[] = [];
  for (const field of MEMINFO_FIELDS) {
    const value = meminfo.get(field);
    if (value !== undefined) out.push({ name: `node_memory_${field}_bytes`, value });
  }
  const total = meminfo.get('MemTotal');
  const available = meminfo.get('MemAvailable') ?? estimateAvailable(meminfo);
  // "Used" as free(1) of procps 4 reports it: what is not available to new work without swapping.
  if (total !== undefined && available !== undefined) {
    out.push({ name: 'node_memory_MemUsed_bytes', value: Math.max(0, total - available) });
  }
  const swapTotal = meminfo.get('SwapTotal');
  const swapFree = meminfo.get('SwapFree');
  if (swapTotal !== undefined && swapFree !== undefined) {
    out.push({ name: 'node_memory_SwapUsed_bytes', value: Math.max(0, swapTotal - swapFree) });
  }
  return out;
}

/** Kernels before 3.14 lack MemAvailable; free + buffers + page cache is the old approximation. */
function estimateAvailable(meminfo: ReadonlyMap<string, number>): number | undefined {
  const free = meminfo.get('MemFree');
  if (free === undefined) return undefined;
  return free + (meminfo.get('Buffers') ?? 0) + (meminfo.get('Cached') ?? 0);
}

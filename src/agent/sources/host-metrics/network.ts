import type { Reading } from './proc.ts';

/**
 * Network I/O from /proc/net/dev: two header lines, then "iface: " and 8 receive and 8 transmit
 * counters (bytes packets errs drop fifo frame/colls compressed multicast/carrier). Names follow
 * node_exporter's netdev collector; only the counters users chart are kept.
 */

export interface NetDevStats {
  device: string;
  receive: { bytes: number; packets: number; errs: number; drop: number };
  transmit: { bytes: number; packets: number; errs: number; drop: number };
}

export function parseNetDev(text: string): NetDevStats[] {
  const out: NetDevStats[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const device = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (device === '' || f.length < 16 || f.some((n) => !Number.isFinite(n))) continue;
    out.push({
      device,
      receive: { bytes: f[0]!, packets: f[1]!, errs: f[2]!, drop: f[3]! },
      transmit: { bytes: f[8]!, packets: f[9]!, errs: f[10]!, drop: f[11]! },
    });
  }
  return out;
}

/**
 * `operstate` maps interface name → /sys/class/net/<iface>/operstate ("up", "down", "unknown");
 * an interface missing from it gets no node_network_up.
 */
export function networkReadings(
  stats: NetDevStats[],
  exclude: RegExp,
  operstate: ReadonlyMap<string, string> = new Map(),
): Reading[] {
  const out: Reading[] = [];
  for (const s of stats) {
    if (exclude.test(s.device)) continue;
    const labels = { device: s.device };
    for (const direction of ['receive', 'transmit'] as const) {
      for (const [counter, value] of Object.entries(s[direction])) {
        out.push({ name: `node_network_${direction}_${counter}_total`, value, labels });
      }
    }
    const state = operstate.get(s.device);
    if (state !== undefined) out.push({ name: 'node_network_up', value: state === 'up' ? 1 : 0, labels });
  }
  return out;
}

import type { Reading } from './proc.ts';

/**
 * Disk I/O from /proc/diskstats (Documentation/admin-guide/iostats.rst). Each line: major, minor,
 * device, then counters since boot. Sectors are always 512 bytes here, whatever the device's real
 * sector size; times are milliseconds. Names follow node_exporter's diskstats collector.
 */

/** The kernel's unit for the sector fields of diskstats, fixed regardless of the hardware. */
const SECTOR_BYTES = 512;

export interface DiskStats {
  device: string;
  readsCompleted: number;
  readBytes: number;
  readTimeSeconds: number;
  writesCompleted: number;
  writtenBytes: number;
  writeTimeSeconds: number;
  ioInProgress: number;
  ioTimeSeconds: number;
}

export function parseDiskstats(text: string): DiskStats[] {
  const out: DiskStats[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // Kernels before 4.18 have 14 fields; later ones add discard and flush counters at the end.
    if (f.length < 14) continue;
    const n = (i: number) => Number(f[i]);
    out.push({
      device: f[2]!,
      readsCompleted: n(3),
      readBytes: n(5) * SECTOR_BYTES,
      readTimeSeconds: n(6) / 1000,
      writesCompleted: n(7),
      writtenBytes: n(9) * SECTOR_BYTES,
      writeTimeSeconds: n(10) / 1000,
      ioInProgress: n(11),
      ioTimeSeconds: n(12) / 1000,
    });
  }
  return out;
}

export function diskReadings(stats: DiskStats[], exclude: RegExp): Reading[] {
  const out: Reading[] = [];
  for (const d of stats) {
    if (exclude.test(d.device)) continue;
    const labels = { device: d.device };
    const add = (name: string, value: number) => {
      if (Number.isFinite(value)) out.push({ name, value, labels });
    };
    add('node_disk_reads_completed_total', d.readsCompleted);
    add('node_disk_read_bytes_total', d.readBytes);
    add('node_disk_read_time_seconds_total', d.readTimeSeconds);
    add('node_disk_writes_completed_total', d.writesCompleted);
    add('node_disk_written_bytes_total', d.writtenBytes);
    add('node_disk_write_time_seconds_total', d.writeTimeSeconds);
    add('node_disk_io_now', d.ioInProgress);
    add('node_disk_io_time_seconds_total', d.ioTimeSeconds);
  }
  return out;
}

import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { HostMetricsConfig } from './config.ts';
import type { Reading } from './proc.ts';

/**
 * Disk space per filesystem: mounts from /proc/self/mounts (or the host's <proc_root>/1/mounts in
 * a container), filtered like node_exporter, then one statfs per mount point. Names and labels
 * (device, mountpoint, fstype) follow node_exporter's filesystem collector.
 */

export interface Mount {
  device: string;
  mountpoint: string;
  fstype: string;
  readonly: boolean;
}

/** The kernel escapes space, tab, newline and backslash in mount fields as octal (\040 …). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const [device, mountpoint, fstype, options] = line.trim().split(/\s+/);
    if (!device || !mountpoint || !fstype || !options) continue;
    out.push({
      device: unescapeMountField(device),
      mountpoint: unescapeMountField(mountpoint),
      fstype,
      readonly: options.split(',').includes('ro'),
    });
  }
  return out;
}

/**
 * The mounts to report: not excluded by type or mount point, each mount point once (a later mount
 * on the same point hides the earlier one, so the last line wins, as statfs would see it).
 */
export function selectMounts(mounts: Mount[], config: HostMetricsConfig['filesystems']): Mount[] {
  const exclude = new Set(config.fs_types_exclude);
  const include = new Set(config.fs_types_include);
  const mountPointsExclude = new RegExp(config.mount_points_exclude);
  const byMountpoint = new Map<string, Mount>();
  for (const mount of mounts) {
    if (exclude.has(mount.fstype)) continue;
    if (include.size > 0 && !include.has(mount.fstype)) continue;
    if (mountPointsExclude.test(mount.mountpoint)) continue;
    byMountpoint.delete(mount.mountpoint);
    byMountpoint.set(mount.mountpoint, mount);
  }
  return [...byMountpoint.values()];
}

export interface SpaceStats {
  size: number;
  free: number;
  avail: number;
  files: number;
  filesFree: number;
}

export function filesystemReadings(mount: Mount, space: SpaceStats): Reading[] {
  const labels = { device: mount.device, mountpoint: mount.mountpoint, fstype: mount.fstype };
  return [
    { name: 'node_filesystem_size_bytes', value: space.size, labels },
    { name: 'node_filesystem_free_bytes', value: space.free, labels },
    { name: 'node_filesystem_avail_bytes', value: space.avail, labels },
    { name: 'node_filesystem_files', value: space.files, labels },
    { name: 'node_filesystem_files_free', value: space.filesFree, labels },
    { name: 'node_filesystem_readonly', value: mount.readonly ? 1 : 0, labels },
  ];
}

/**
 * Runs statfs per mount point with a deadline. A statfs on a dead network filesystem can block a
 * libuv thread for minutes; such a mount point is skipped (reported in `stuck`) until its call
 * returns, so a hung mount never ties up more than one thread.
 */
export class SpaceReader {
  private readonly pending = new Set<string>();

  constructor(
    private readonly rootfsPath: string,
    private readonly timeoutMs: number,
  ) {}

  get stuck(): string[] {
    return [...this.pending];
  }

  async read(mounts: Mount[]): Promise<{ readings: Reading[]; failed: string[] }> {
    const readings: Reading[] = [];
    const failed: string[] = [];
    await Promise.all(
      mounts.map(async (mount) => {
        const space = await this.statfs(mount.mountpoint);
        if (space) readings.push(...filesystemReadings(mount, space));
        else failed.push(mount.mountpoint);
      }),
    );
    return { readings, failed };
  }

  private async statfs(mountpoint: string): Promise<SpaceStats | undefined> {
    if (this.pending.has(mountpoint)) return undefined;
    this.pending.add(mountpoint);
    const call = statfs(path.join(this.rootfsPath, mountpoint)).finally(() =>
      this.pending.delete(mountpoint),
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.timeoutMs).unref();
    });
    try {
      const s = await Promise.race([call, deadline]);
      if (!s) return undefined;
      return {
        size: s.blocks * s.bsize,
        free: s.bfree * s.bsize,
        avail: s.bavail * s.bsize,
        files: s.files,
        filesFree: s.ffree,
      };
    } catch {
      // Gone between reading mounts and statfs, or not permitted: the caller counts it.
      return undefined;
    } finally {
      clearTimeout(timer);
      call.catch(() => undefined);
    }
  }
}

import { z } from 'zod';

/**
 * Host metrics config: the schema is the definition, defaults inside. Roots are configurable so an
 * agent in a container reads the node, not itself (mount the host's /proc, /sys and / read-only
 * and point these at them). Device and mount-point filters are regular expressions, like
 * node_exporter's `--collector.*.exclude` flags, and their defaults follow node_exporter's.
 */

const regex = (what: string) =>
  z.string().refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, `must be a valid regular expression (${what})`);

/**
 * Pseudo and memory-backed filesystems: their "size" says nothing about disk space. node_exporter's
 * list, plus tmpfs/ramfs, whose usage is already part of memory, and the read-only image layers
 * (squashfs, erofs) that are always 100 % full.
 */
export const DEFAULT_FS_TYPES_EXCLUDE = [
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'erofs',
  'fuse.lxcfs',
  'fusectl',
  'hugetlbfs',
  'iso9660',
  'mqueue',
  'nsfs',
  'overlay',
  'proc',
  'procfs',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'sysfs',
  'tmpfs',
  'tracefs',
];

const filesystemsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Filesystem types left out (exact names, as in /proc/mounts' third column). */
    fs_types_exclude: z.array(z.string().min(1)).default(DEFAULT_FS_TYPES_EXCLUDE),
    /** When not empty, only these types are reported (the exclude list still applies). */
    fs_types_include: z.array(z.string().min(1)).default([]),
    /** Mount points left out: the kernel's own trees and container runtimes' per-container mounts. */
    mount_points_exclude: regex('mount points').default(
      '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)',
    ),
    /** A statfs that hangs (dead NFS server) is abandoned after this and skipped until it returns. */
    statfs_timeout_ms: z.number().int().min(10).max(60_000).default(5_000),
  })
  .strict();

const disksSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Devices left out: RAM and loop devices, and partitions, whose I/O their disk already counts. */
    devices_exclude: regex('disk devices').default('^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$'),
  })
  .strict();

const networkSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Interfaces left out; loopback traffic is the node talking to itself. */
    devices_exclude: regex('network devices').default('^lo$'),
  })
  .strict();

export const hostMetricsSchema = z
  .object({
    enabled: z.boolean().default(true),
    interval_ms: z.number().int().min(100).max(3_600_000).default(10_000),
    /** Where /proc is; `/host/proc` when the agent runs in a container with the host's /proc mounted. */
    proc_root: z.string().min(1).default('/proc'),
    /** Where /sys is (network interface state); `/host/sys` in a container. */
    sys_root: z.string().min(1).default('/sys'),
    /**
     * Where the host's root filesystem is mounted, for statfs of its mount points (`/host/root` in a
     * container). When proc_root is not /proc, mounts are read from <proc_root>/1/mounts, the host's.
     */
    rootfs_path: z.string().min(1).default('/'),
    filesystems: filesystemsSchema.prefault({}),
    disks: disksSchema.prefault({}),
    network: networkSchema.prefault({}),
  })
  .strict();

export type HostMetricsConfig = z.infer<typeof hostMetricsSchema>;

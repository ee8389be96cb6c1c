import assert from 'node:assert/strict';
import { readFileSync, statfsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { hostMetricsSchema } from './config.ts';
import { parseMounts, selectMounts, SpaceReader } from './filesystem.ts';

// /proc/self/mounts captured in this Debian 12 VM's container (test/fixtures/proc/self/mounts).
const mountsText = readFileSync(
  new URL('../../../../test/fixtures/proc/self/mounts', import.meta.url),
  'utf8',
);
const defaults = hostMetricsSchema.parse({}).filesystems;

describe('filesystems from /proc/self/mounts', () => {
  it('parses device, mount point, type and the read-only flag', () => {
    const mounts = parseMounts(mountsText);
    assert.equal(mounts.length, mountsText.trim().split('\n').length);
    assert.deepEqual(
      mounts.find((m) => m.mountpoint === '/'),
      { device: '/dev/vda', mountpoint: '/', fstype: 'ext4', readonly: false },
    );
  });

  it('decodes the octal escapes the kernel writes for spaces', () => {
    const [mount] = parseMounts('/dev/sdb1 /mnt/my\\040disk ext4 ro,relatime 0 0\n');
    assert.deepEqual(mount, {
      device: '/dev/sdb1',
      mountpoint: '/mnt/my disk',
      fstype: 'ext4',
      readonly: true,
    });
  });

  it('leaves out pseudo filesystems and kernel trees by default', () => {
    const selected = selectMounts(parseMounts(mountsText), defaults);
    assert.deepEqual(
      selected.map((m) => m.mountpoint),
      ['/'],
    );
  });

  it('honours include and exclude settings', () => {
    const mounts = parseMounts(mountsText);
    const withTmpfs = selectMounts(mounts, {
      ...defaults,
      fs_types_exclude: defaults.fs_types_exclude.filter((t) => t !== 'tmpfs'),
      mount_points_exclude: '^/(proc|sys)($|/)',
    });
    assert.deepEqual(
      withTmpfs.map((m) => m.mountpoint),
      ['/', '/dev/shm'],
    );
    const onlyExt4 = selectMounts(mounts, { ...defaults, fs_types_include: ['xfs'] });
    assert.deepEqual(onlyExt4, []);
  });

  it('reports each mount point once, the last mount on it', () => {
    const text = '/dev/a /data ext4 rw 0 0\n/dev/b /data xfs ro 0 0\n';
    assert.deepEqual(selectMounts(parseMounts(text), defaults), [
      { device: '/dev/b', mountpoint: '/data', fstype: 'xfs', readonly: true },
    ]);
  });

  it('reads size, free, available and inodes with statfs, as df would', async () => {
    const reader = new SpaceReader('/', 5_000);
    const root = { device: '/dev/vda', mountpoint: '/', fstype: 'ext4', readonly: false };
    const { readings, failed } = await reader.read([root, { ...root, mountpoint: '/no/such/dir' }]);
    const s = statfsSync('/');
    const get = (name: string) => readings.find((r) => r.name === name)!.value;
    assert.deepEqual(failed, ['/no/such/dir']);
    assert.equal(get('node_filesystem_size_bytes'), s.blocks * s.bsize);
    assert.equal(get('node_filesystem_files'), s.files);
    // Free space moves while tests run; within 64 MiB of a statfs a moment later is the same reading.
    assert.ok(Math.abs(get('node_filesystem_avail_bytes') - s.bavail * s.bsize) < 64 * 2 ** 20);
    assert.ok(get('node_filesystem_free_bytes') >= get('node_filesystem_avail_bytes'));
    assert.deepEqual(readings[0]!.labels, { device: '/dev/vda', mountpoint: '/', fstype: 'ext4' });
  });
});

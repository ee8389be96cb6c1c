import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { hostMetricsSchema } from './config.ts';
import { diskReadings, parseDiskstats } from './disk.ts';
import { networkReadings, parseNetDev } from './network.ts';

// Captured on this 2-CPU Debian 12 VM: test/fixtures/proc/diskstats, proc/net/dev, sys/class/net.
const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8');
const defaults = hostMetricsSchema.parse({});
const value = (
  readings: Array<{ name: string; value: number; labels?: Record<string, string> }>,
  name: string,
) => readings.find((r) => r.name === name)?.value;

describe('disk I/O from /proc/diskstats', () => {
  const vda = fixture('proc/diskstats')
    .split('\n')
    .find((line) => / vda /.test(line))!
    .trim()
    .split(/\s+/)
    .map(Number);

  it('reads completed operations, bytes (sectors × 512) and times', () => {
    const readings = diskReadings(
      parseDiskstats(fixture('proc/diskstats')),
      new RegExp(defaults.disks.devices_exclude),
    );
    assert.deepEqual([...new Set(readings.map((r) => r.labels?.device))], ['vda']);
    const cases: Array<[string, number]> = [
      ['node_disk_reads_completed_total', vda[3]!],
      ['node_disk_read_bytes_total', vda[5]! * 512],
      ['node_disk_read_time_seconds_total', vda[6]! / 1000],
      ['node_disk_writes_completed_total', vda[7]!],
      ['node_disk_written_bytes_total', vda[9]! * 512],
      ['node_disk_write_time_seconds_total', vda[10]! / 1000],
      ['node_disk_io_now', vda[11]!],
      ['node_disk_io_time_seconds_total', vda[12]! / 1000],
    ];
    for (const [name, expected] of cases) assert.equal(value(readings, name), expected, name);
  });

  it('skips loop, RAM and partition devices by default, and can be told otherwise', () => {
    const exclude = new RegExp(defaults.disks.devices_exclude);
    for (const device of ['loop0', 'zram0', 'ram1', 'vda1', 'sda2', 'nvme0n1p1'])
      assert.ok(exclude.test(device), device);
    for (const device of ['vda', 'sda', 'nvme0n1', 'dm-0', 'md0']) assert.ok(!exclude.test(device), device);
    const all = diskReadings(parseDiskstats(fixture('proc/diskstats')), /^$/);
    assert.ok(all.some((r) => r.labels?.device === 'loop0'));
  });

  it('ignores lines that are not diskstats rows', () => {
    assert.deepEqual(parseDiskstats('\n  8 0 sda 1 2\n'), []);
  });
});

describe('network I/O from /proc/net/dev', () => {
  const eth0 = fixture('proc/net/dev')
    .split('\n')
    .find((line) => line.trim().startsWith('eth0:'))!
    .split(':')[1]!
    .trim()
    .split(/\s+/)
    .map(Number);

  it('reads bytes, packets, errors and drops per direction, without lo by default', () => {
    const operstate = new Map([['eth0', fixture('sys/class/net/eth0/operstate').trim()]]);
    const stats = parseNetDev(fixture('proc/net/dev'));
    const readings = networkReadings(stats, new RegExp(defaults.network.devices_exclude), operstate);
    assert.ok(!readings.some((r) => r.labels?.device === 'lo'));
    assert.ok(readings.some((r) => r.labels?.device === 'ifb0'));
    const of = readings.filter((r) => r.labels?.device === 'eth0');
    const cases: Array<[string, number]> = [
      ['node_network_receive_bytes_total', eth0[0]!],
      ['node_network_receive_packets_total', eth0[1]!],
      ['node_network_receive_errs_total', eth0[2]!],
      ['node_network_receive_drop_total', eth0[3]!],
      ['node_network_transmit_bytes_total', eth0[8]!],
      ['node_network_transmit_packets_total', eth0[9]!],
      ['node_network_transmit_errs_total', eth0[10]!],
      ['node_network_transmit_drop_total', eth0[11]!],
      ['node_network_up', operstate.get('eth0') === 'up' ? 1 : 0],
    ];
    for (const [name, expected] of cases) assert.equal(value(of, name), expected, name);
  });

  it('reports lo when the exclude pattern allows it, and skips the header lines', () => {
    const stats = parseNetDev(fixture('proc/net/dev'));
    assert.deepEqual(
      stats.map((s) => s.device),
      ['lo', 'ifb0', 'ifb1', 'eth0'],
    );
    assert.ok(networkReadings(stats, /^$/).some((r) => r.labels?.device === 'lo'));
  });
});

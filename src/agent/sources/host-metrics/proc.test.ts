import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  cpuBusyPercent,
  parseLoadavg,
  parseLoadavgEntities,
  parseMeminfo,
  parseProcStat,
  parseUptime,
} from './proc.ts';

// Captured from a 2-CPU Debian 12 VM (test/fixtures/proc/).
const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/proc/${name}`, import.meta.url), 'utf8');

describe('/proc parsers', () => {
  it('reads CPU seconds per mode from the aggregate cpu line', () => {
    const stat = parseProcStat(fixture('stat'));
    assert.equal(stat.cpus, 2);
    const first = fixture('stat').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
    assert.equal(stat.total.user, first[0]! / 100);
    assert.equal(stat.total.idle, first[3]! / 100);
    assert.equal(stat.total.steal, first[7]! / 100);
    assert.ok(stat.bootTimeSeconds! > 1_600_000_000);
    assert.ok(stat.processesRunning! >= 1);
    assert.equal(stat.forks, Number(/^processes (\d+)$/m.exec(fixture('stat'))![1]));
  });

  it('reads meminfo in bytes', () => {
    const mem = parseMeminfo(fixture('meminfo'));
    const totalKb = Number(/MemTotal:\s+(\d+)/.exec(fixture('meminfo'))![1]);
    assert.equal(mem.get('MemTotal'), totalKb * 1024);
    assert.ok(mem.get('MemAvailable')! <= mem.get('MemTotal')!);
    assert.equal(mem.get('HugePages_Total'), Number(/HugePages_Total:\s+(\d+)/.exec(fixture('meminfo'))![1]));
  });

  it('reads the load averages', () => {
    const load = parseLoadavg(fixture('loadavg'));
    assert.deepEqual(load, fixture('loadavg').split(' ').slice(0, 3).map(Number));
    assert.throws(() => parseLoadavg('garbage'), /unexpected \/proc\/loadavg/);
  });

  it('reads the runnable and total task counts from the fourth loadavg field', () => {
    const [runnable, total] = fixture('loadavg').split(' ')[3]!.split('/').map(Number);
    assert.deepEqual(parseLoadavgEntities(fixture('loadavg')), { runnable, total });
    assert.equal(parseLoadavgEntities('0.1 0.2 0.3'), undefined);
  });

  it('reads uptime seconds', () => {
    assert.equal(parseUptime(fixture('uptime')), Number(fixture('uptime').split(' ')[0]));
    assert.throws(() => parseUptime(''), /unexpected \/proc\/uptime/);
  });

  it('computes busy percent from two readings', () => {
    const before = { user: 10, nice: 0, system: 5, idle: 80, iowait: 5, irq: 0, softirq: 0, steal: 0 };
    const after = { user: 40, nice: 0, system: 15, idle: 130, iowait: 15, irq: 0, softirq: 0, steal: 0 };
    // 100 s elapsed, 60 of them idle or waiting for I/O.
    assert.equal(cpuBusyPercent(before, after), 40);
    assert.equal(cpuBusyPercent(before, before), undefined);
  });

  it('rejects a stat file without a cpu line', () => {
    assert.throws(() => parseProcStat('intr 1 2 3\n'), /no "cpu" line/);
  });
});

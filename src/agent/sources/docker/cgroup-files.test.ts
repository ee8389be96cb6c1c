import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cgroupReadings, parseBlkioV1, parseFlatKeyed, parseIoStatV2, parseSingle } from './cgroup-files.ts';

// Files captured from a container of the test dockerd (cgroup v1, -m 16m) whose subshell was OOM-killed.
const FIXTURES = new URL('../../../../test/fixtures/cgroup/', import.meta.url).pathname;
const load = (dir: string) =>
  new Map(
    readdirSync(path.join(FIXTURES, dir)).map((f) => [f, readFileSync(path.join(FIXTURES, dir, f), 'utf8')]),
  );
const value = (readings: ReturnType<typeof cgroupReadings>, name: string) =>
  readings.find((r) => r.name === name)?.value;

describe('cgroup files', () => {
  it('reads cAdvisor metrics from v1 files, working set = usage − inactive_file', () => {
    const r = cgroupReadings(load('v1-oom'));
    const expected: Array<[string, number]> = [
      ['container_cpu_usage_seconds_total', 0.085150404],
      ['container_cpu_user_seconds_total', 0.03],
      ['container_cpu_system_seconds_total', 0.04],
      ['container_cpu_cfs_throttled_periods_total', 0],
      ['container_cpu_cfs_throttled_seconds_total', 0],
      ['container_memory_usage_bytes', 1875968],
      ['container_memory_working_set_bytes', 1875968 - 1048576],
      ['container_memory_rss', 53248],
      ['container_memory_cache', 1048576],
      ['container_spec_memory_limit_bytes', 16 << 20],
      ['container_memory_failcnt', 48],
      ['container_oom_events_total', 1],
      ['container_pids_current', 1],
    ];
    for (const [name, v] of expected) assert.equal(value(r, name), v, name);
  });

  it('reads v2 cpu.stat in microseconds', () => {
    const files = new Map([['cpu.stat', readFileSync(path.join(FIXTURES, 'v2-cpu.stat'), 'utf8')]]);
    const r = cgroupReadings(files);
    assert.equal(value(r, 'container_cpu_usage_seconds_total'), 0.08515);
    assert.equal(value(r, 'container_cpu_user_seconds_total'), 0.036493);
  });

  it('treats v1 "no limit" and v2 "max" as unlimited (0, like cAdvisor)', () => {
    const v1 = new Map([
      ['memory.usage_in_bytes', '4096\n'],
      ['memory.limit_in_bytes', '9223372036854771712\n'],
    ]);
    assert.equal(value(cgroupReadings(v1), 'container_spec_memory_limit_bytes'), 0);
    const v2 = new Map([
      ['memory.current', '4096\n'],
      ['memory.max', 'max\n'],
      ['memory.events', 'low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\n'],
    ]);
    const r = cgroupReadings(v2);
    assert.equal(value(r, 'container_spec_memory_limit_bytes'), 0);
    assert.equal(value(r, 'container_memory_failcnt'), 7);
    assert.equal(value(r, 'container_oom_events_total'), 2);
  });

  it('parses block I/O per device, v1 and v2', () => {
    assert.deepEqual(
      parseBlkioV1(readFileSync(path.join(FIXTURES, 'v1-oom/blkio.throttle.io_service_bytes'), 'utf8')),
      [],
    );
    assert.deepEqual(
      parseBlkioV1('8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\nTotal 12288\n', '8:0 Read 1\n8:0 Write 2\n'),
      [{ device: '8:0', readBytes: 4096, writeBytes: 8192, reads: 1, writes: 2 }],
    );
    assert.deepEqual(parseIoStatV2('259:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n'), [
      { device: '259:0', readBytes: 4096, writeBytes: 8192, reads: 1, writes: 2 },
    ]);
  });

  it('ignores what is not a number', () => {
    assert.equal(parseSingle('max\n'), undefined);
    assert.deepEqual([...parseFlatKeyed('a 1\nbroken\nb x\n')], [['a', 1]]);
  });
});

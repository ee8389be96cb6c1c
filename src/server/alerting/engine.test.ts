import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MemoryBackend } from '../storage/memory/memory-backend.ts';
import { fingerprint } from './model.ts';
import { engineHarness, sleep, waitFor, write, type Harness } from './testing.ts';

const fast = { default_rules: false, group_wait_ms: 0, group_interval_ms: 30, repeat_interval_ms: 3_600_000 };
const load = (host: string, value: number) => ({
  name: 'node_load1',
  labels: { host },
  value,
  ts: Date.now(),
});

describe('alert engine', { timeout: 20_000 }, () => {
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());

  it('keeps one alert per series: pending, firing after for_ms, resolved when the value drops', async () => {
    const storage = new MemoryBackend();
    const rule = {
      id: 'load',
      type: 'threshold',
      query: 'node_load1',
      comparison: '>',
      threshold: 4,
      for_ms: 100,
    };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    await write(storage, { metrics: [load('a', 9), load('b', 1)] });
    await h.engine.evaluate();
    const [pending] = h.engine.alerts('default', ['pending']);
    assert.equal(pending?.labels.host, 'a');
    assert.equal(pending.fingerprint, fingerprint('load', { host: 'a' }));
    assert.equal(h.engine.alerts('default', ['firing']).length, 0);

    await sleep(120);
    await h.engine.evaluate();
    const [firing] = h.engine.alerts('default', ['firing']);
    assert.equal(firing?.fingerprint, pending.fingerprint);
    assert.equal(firing.value, 9);
    const sent = await waitFor(() => h!.notifier.sent[0], 2000, 'firing notification');
    assert.equal(sent.status, 'firing');
    assert.deepEqual(
      sent.alerts.map((a) => a.labels.host),
      ['a'],
    );

    await sleep(1100); // a new one-second bucket, so the newest value is the low one
    await write(storage, { metrics: [load('a', 1)] });
    await h.engine.evaluate();
    assert.equal(h.engine.alerts('default', ['resolved'])[0]?.fingerprint, pending.fingerprint);
    const resolved = await waitFor(() => h!.notifier.sent[1], 2000, 'resolve notification');
    assert.equal(resolved.status, 'resolved');
    const kinds = h.engine
      .history('default', { from: 0, to: Date.now(), limit: 100 })
      .map((e) => e.kind)
      .reverse();
    assert.deepEqual(kinds, ['pending', 'firing', 'notification', 'resolved', 'notification']);
  });

  it('divides one query by another for ratio rules (disk space low)', async () => {
    const storage = new MemoryBackend();
    const override = {
      id: 'memory-pressure',
      type: 'threshold',
      query: 'node_load1',
      comparison: '>',
      threshold: 1e9,
    };
    h = await engineHarness(storage, { ...fast, default_rules: true, rules: [override] });
    const fs = (mountpoint: string) => ({ host: 'a', mountpoint });
    const ts = Date.now();
    await write(storage, {
      metrics: [
        { name: 'node_filesystem_avail_bytes', labels: fs('/'), value: 4, ts },
        { name: 'node_filesystem_size_bytes', labels: fs('/'), value: 100, ts },
        { name: 'node_filesystem_avail_bytes', labels: fs('/data'), value: 50, ts },
        { name: 'node_filesystem_size_bytes', labels: fs('/data'), value: 100, ts },
      ],
    });
    await h.engine.evaluate();
    const firing = h.engine.alerts('default', ['pending']);
    assert.deepEqual(
      firing.map((a) => a.labels.mountpoint),
      ['/'],
    );
    assert.equal(firing[0]?.summary, 'Filesystem / on a has 4.0% space left');
    assert.ok(
      h.engine.rules.some((r) => r.id === 'host-down'),
      'default rules stay on beside config rules',
    );
    const memory = h.engine.rules.find((r) => r.id === 'memory-pressure');
    assert.equal(
      memory?.type === 'threshold' && memory.query,
      'node_load1',
      'a config rule replaces the default of that id',
    );
  });

  it('counts events per container: a restart loop fires for the container that died 4 times only', async () => {
    const storage = new MemoryBackend();
    h = await engineHarness(storage, { ...fast, default_rules: true });
    const die = (name: string) => ({
      ts: Date.now() - 1000,
      host: 'node-1',
      kind: 'container',
      action: 'die',
      actor: { name },
    });
    await write(storage, { events: [die('web'), die('web'), die('web'), die('web'), die('db'), die('db')] });
    await h.engine.evaluate();
    const firing = h.engine.alerts('default', ['firing']);
    assert.deepEqual(
      firing.map((a) => [a.labels.alertname, a.labels.actor_name, a.value]),
      [['ContainerRestartLoop', 'web', 4]],
    );
  });

  it('counts logs per host against a threshold', async () => {
    const storage = new MemoryBackend();
    const rule = {
      id: 'errors',
      type: 'log_count',
      query: 'severity:<=3',
      window_ms: 60_000,
      threshold: 2,
      group_by: ['host'],
    };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    const log = (host: string, severity: number) => ({
      ts: Date.now() - 500,
      host,
      source: 'test',
      severity,
      message: 'boom',
    });
    await write(storage, {
      logs: [log('a', 3), log('a', 2), log('a', 3), log('b', 3), log('b', 6), log('b', 6)],
    });
    await h.engine.evaluate();
    assert.deepEqual(
      h.engine.alerts('default', ['firing']).map((a) => [a.labels.host, a.value]),
      [['a', 3]],
    );
  });

  it('fires host down for a host that stopped reporting', async () => {
    const storage = new MemoryBackend();
    h = await engineHarness(storage, { ...fast, default_rules: true });
    await write(storage, { metrics: [load('old', 1)] }, 'old', Date.now() - 10 * 60_000);
    await write(storage, { metrics: [load('new', 1)] }, 'new');
    await h.engine.evaluate();
    const firing = h.engine.alerts('default', ['firing']);
    assert.deepEqual(
      firing.map((a) => [a.labels.alertname, a.labels.host]),
      [['HostDown', 'old']],
    );
    assert.match(firing[0]!.summary, /Host old has sent nothing for 10m/);
  });

  it('neither re-sends nor forgets across a restart, and still sends the resolve owed', async () => {
    const storage = new MemoryBackend();
    const rule = { id: 'load', type: 'threshold', query: 'node_load1', comparison: '>', threshold: 4 };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    await write(storage, { metrics: [load('a', 9)] });
    await h.engine.evaluate();
    await waitFor(() => h!.notifier.sent.length === 1, 2000, 'first notification');

    await h.restart();
    assert.equal(h.engine.alerts('default', ['firing']).length, 1, 'the firing alert survives the restart');
    await h.engine.evaluate();
    await sleep(200); // several group intervals
    assert.equal(h.notifier.sent.length, 0, 'nothing is sent again after the restart');

    await sleep(1000);
    await write(storage, { metrics: [load('a', 1)] });
    await h.engine.evaluate();
    const resolved = await waitFor(() => h!.notifier.sent[0], 2000, 'resolve after restart');
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.alerts[0]?.fingerprint, fingerprint('load', { host: 'a' }));
  });
});

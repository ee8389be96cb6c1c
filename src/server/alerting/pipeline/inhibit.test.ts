import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MemoryBackend } from '../../storage/memory/memory-backend.ts';
import { fingerprint, type Alert } from '../model.ts';
import { engineHarness, sleep, waitFor, write, type Harness } from '../testing.ts';
import { DEFAULT_INHIBIT_RULES, inhibitedBy } from './inhibit.ts';

function alert(labels: Record<string, string>, state: Alert['state'] = 'firing'): Alert {
  return {
    fingerprint: fingerprint('r', labels),
    tenant: 'default',
    rule_id: 'r',
    labels,
    summary: '',
    state,
    value: 1,
    active_since: 0,
    fired_at: 0,
    resolved_at: null,
    updated_at: 0,
  };
}

describe('inhibition stage', () => {
  const down = alert({ alertname: 'HostDown', host: 'a' });
  const cases: Array<{ name: string; target: Alert; firing: Alert[]; muted: boolean }> = [
    {
      name: "a down host mutes its container's alert",
      target: alert({ alertname: 'ContainerOOM', host: 'a', actor_name: 'web' }),
      firing: [down],
      muted: true,
    },
    {
      name: 'not the same alert on another host',
      target: alert({ alertname: 'ContainerOOM', host: 'b' }),
      firing: [down],
      muted: false,
    },
    { name: 'not the HostDown alert itself', target: down, firing: [down], muted: false },
    {
      name: 'not once the host is back (source resolved)',
      target: alert({ alertname: 'DiskFilling', host: 'a' }),
      firing: [alert({ alertname: 'HostDown', host: 'a' }, 'resolved')],
      muted: false,
    },
    {
      name: 'not an alert without a host label',
      target: alert({ alertname: 'LogErrors' }),
      firing: [down],
      muted: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(inhibitedBy(c.target, c.firing, DEFAULT_INHIBIT_RULES) !== undefined, c.muted);
    });
  }
});

describe('inhibition in the pipeline', { timeout: 20_000 }, () => {
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());

  it('sends HostDown and the other host’s container alert, but not the down host’s', async () => {
    const storage = new MemoryBackend();
    const rules = [
      { id: 'host-down', name: 'HostDown', type: 'absence', after_ms: 60_000 },
      {
        id: 'mem',
        name: 'ContainerMemory',
        type: 'threshold',
        query: 'container_memory_usage_bytes',
        comparison: '>',
        threshold: 100,
      },
    ];
    h = await engineHarness(storage, {
      default_rules: false,
      rules,
      group_by: ['alertname'],
      group_wait_ms: 100,
      group_interval_ms: 50,
    });
    const sample = (host: string) => ({
      name: 'container_memory_usage_bytes',
      labels: { host, name: 'web' },
      value: 500,
      ts: Date.now(),
    });
    // Host a last reported 5 minutes ago (its last samples are still inside the lookback here).
    await write(storage, { metrics: [sample('a')] }, 'a', Date.now() - 300_000);
    await write(storage, { metrics: [sample('b')] }, 'b');
    await h.engine.evaluate();
    await waitFor(() => h!.notifier.sent.length >= 2, 3000, 'two notifications');
    await sleep(300);
    const sent = h.notifier.sent.flatMap((n) =>
      n.alerts.map((a) => `${a.labels.alertname}@${a.labels.host}`),
    );
    assert.deepEqual(sent.sort(), ['ContainerMemory@b', 'HostDown@a']);
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { IngestBatch, MetricSample } from '../../model/index.ts';
import { backendOpener, T0 } from './contract-fixtures.ts';
import { STORAGE_BACKENDS } from './registry.ts';

let seq = 0;
function metrics(samples: MetricSample[], agent = 'agent-m'): IngestBatch {
  seq += 1;
  return {
    batch_id: `${agent}:${seq}`,
    agent_id: agent,
    seq,
    host: 'node-1',
    sent_ts: T0,
    metrics: samples,
    logs: [],
    events: [],
  };
}

const sample = (name: string, labels: Record<string, string>, ts: number, value: number): MetricSample => ({
  name,
  labels,
  ts,
  value,
});

for (const [name, create] of Object.entries(STORAGE_BACKENDS)) {
  describe(`storage contract (latest samples): ${name}`, () => {
    const { open, dispose } = backendOpener(name, create);
    after(dispose);

    it('gives the newest sample of every series of the named metrics', async () => {
      const { backend } = open();
      const a = { host: 'node-1' };
      const b = { host: 'node-2' };
      await backend.writeBatch(
        'default',
        metrics([
          sample('cpu', a, T0 - 20_000, 10),
          sample('cpu', a, T0, 30),
          sample('cpu', a, T0 - 10_000, 20),
          sample('cpu', b, T0 - 5_000, 50),
          sample('mem', a, T0, 1024),
          sample('disk', a, T0, 7),
        ]),
        T0,
      );
      // A later batch with an older sample (a late agent) does not replace the newest one.
      await backend.writeBatch('default', metrics([sample('cpu', b, T0 - 50_000, 99)]), T0);
      const latest = await backend.latestSamples('default', ['cpu', 'mem'], T0 - 60_000);
      const rows = latest
        .map((s) => `${s.name} ${s.labels.host} ${s.ts - T0} ${s.value}`)
        .sort()
        .join('\n');
      assert.equal(rows, ['cpu node-1 0 30', 'cpu node-2 -5000 50', 'mem node-1 0 1024'].join('\n'));
      assert.deepEqual(latest.find((s) => s.name === 'mem')?.labels, a);
    });

    it('leaves out series with nothing since `since`, other metrics and other tenants', async () => {
      const { backend } = open();
      await backend.writeBatch(
        'default',
        metrics([
          sample('cpu', { host: 'quiet' }, T0 - 600_000, 5),
          sample('cpu', { host: 'busy' }, T0, 6),
          sample('load', { host: 'busy' }, T0, 1),
        ]),
        T0,
      );
      await backend.writeBatch('other', metrics([sample('cpu', { host: 'theirs' }, T0, 7)], 'agent-o'), T0);
      const latest = await backend.latestSamples('default', ['cpu'], T0 - 180_000);
      assert.deepEqual(
        latest.map((s) => [s.labels.host, s.value]),
        [['busy', 6]],
      );
      assert.deepEqual(await backend.latestSamples('default', [], T0 - 180_000), []);
    });
  });
}

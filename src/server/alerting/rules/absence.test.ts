import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostInfo, StorageBackend } from '../../storage/backend.ts';
import { ModelCache } from '../anomaly/model-cache.ts';
import { evaluateAbsence } from './record-rules.ts';
import { ruleSchema, type RuleOf } from './rule-schema.ts';

const NOW = 1_800_000_000_000;
const rule = ruleSchema.parse({ id: 'host-down', type: 'absence', after_ms: 60_000 }) as RuleOf<'absence'>;
const reported: HostInfo[] = [
  { host: 'a', first_seen: NOW - 3_600_000, last_seen: NOW - 5_000, agent_id: 'a', agent_version: null },
  { host: 'b', first_seen: NOW - 3_600_000, last_seen: NOW - 300_000, agent_id: 'b', agent_version: null },
];
// Only hosts() is read by the absence rule.
const storage = { hosts: () => Promise.resolve(reported) } as unknown as StorageBackend;
const anomaly = { models: new ModelCache(), mark: () => {} };

describe('absence rule with etcd registrations', () => {
  it('misses a registered node that never reported, once it is overdue', async () => {
    const observations = await evaluateAbsence(rule, {
      storage,
      now: NOW,
      interval_ms: 10_000,
      anomaly,
      expectedHosts: () => [
        { host: 'a', since: NOW - 3_600_000 },
        { host: 'c', since: NOW - 120_000 },
        { host: 'd', since: NOW - 10_000 },
      ],
    });
    assert.deepEqual(
      observations.map((o) => [o.labels.host, o.value]),
      [
        ['b', 300_000],
        ['c', 120_000],
      ],
    );
  });

  it('is unchanged without registrations', async () => {
    const observations = await evaluateAbsence(rule, { storage, now: NOW, interval_ms: 10_000, anomaly });
    assert.deepEqual(
      observations.map((o) => o.labels.host),
      ['b'],
    );
  });
});

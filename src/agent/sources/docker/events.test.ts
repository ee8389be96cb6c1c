import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dockerSchema } from './config.ts';
import { eventsPath, toClusterEvent } from './events.ts';

// GET /events from the test dockerd: create, start, oom, kill, die of a container with -m 16m.
const LINES = readFileSync(new URL('../../../../test/fixtures/docker/events.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean);

describe('docker events', () => {
  it('become ClusterEvents with actor, attributes and nanosecond-exact time', () => {
    const events = LINES.map((line) => toClusterEvent(line, 'node-1'));
    assert.deepEqual(
      events.map((e) => e.event.action),
      ['create', 'start', 'oom', 'kill', 'die'],
    );
    const die = events[4]!;
    assert.equal(die.event.kind, 'container');
    assert.equal(die.event.actor?.name, 'cap');
    assert.equal(die.event.actor?.image, 'busybox:test');
    assert.equal(die.event.attributes?.exitCode, '137');
    assert.equal(events[3]!.event.attributes?.signal, '9');
    const nano = /"timeNano":(\d+)/.exec(LINES[4]!)![1]!;
    assert.equal(die.ns, BigInt(nano));
  });

  it('keeps the part of an action after ":" as an attribute', () => {
    const line =
      '{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"abc","Attributes":{"name":"web"}},"timeNano":1}';
    const { event } = toClusterEvent(line, 'node-1');
    assert.equal(event.action, 'health_status');
    assert.equal(event.attributes?.health_status, 'healthy');
  });

  it('asks for the four kinds, since a position', () => {
    assert.match(eventsPath({ ns: '1700000000000000005', n: 1 }), /since=1700000000\.000000005$/);
    assert.match(
      decodeURIComponent(eventsPath(undefined)),
      /"type":\["container","image","network","volume"\]/,
    );
  });

  it('config rejects unknown keys and bad regexes, naming them', () => {
    assert.equal(dockerSchema.parse({}).interval_ms, 10_000);
    assert.throws(() => dockerSchema.parse({ socket: '/x' }), /socket/);
    assert.throws(() => dockerSchema.parse({ logs: { exclude_names: ['('] } }), /exclude_names/);
  });
});

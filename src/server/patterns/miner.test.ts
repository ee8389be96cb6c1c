import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateMiner } from './miner.ts';

const mineAll = (miner: TemplateMiner, lines: string[], source = 'docker') =>
  lines.map((line) => miner.mine('default', source, line));

describe('template miner', () => {
  it('groups lines that differ only in values, and tells new from known', () => {
    const miner = new TemplateMiner();
    const [a, b, c] = mineAll(miner, [
      'Accepted password for root from 10.0.0.1 port 22 ssh2',
      'Accepted password for root from 10.0.0.7 port 51022 ssh2',
      'Connection closed by 10.0.0.7 [preauth]',
    ]);
    assert.equal(a!.created, true);
    assert.equal(a!.template, 'Accepted password for root from <IP> port <NUM> ssh2');
    assert.equal(b!.id, a!.id);
    assert.equal(b!.created, false);
    assert.notEqual(c!.id, a!.id);
  });

  it('generalises a pattern in place: the id stays, the differing word becomes <*>', () => {
    const miner = new TemplateMiner();
    const [a, b] = mineAll(miner, [
      'Accepted password for root from 10.0.0.1 port 22 ssh2',
      'Accepted password for admin from 10.0.0.2 port 22 ssh2',
    ]);
    assert.equal(b!.id, a!.id);
    assert.equal(b!.changed, true);
    assert.equal(b!.template, 'Accepted password for <*> from <IP> port <NUM> ssh2');
    assert.equal(miner.template('default', 'docker', a!.id), b!.template);
  });

  it('keeps the key of a key=value that varies', () => {
    const miner = new TemplateMiner();
    const [, b] = mineAll(miner, ['login ok user=ann', 'login ok user=bob']);
    assert.equal(b!.template, 'login ok user=<*>');
  });

  it('gives the same template the same id again, in another miner too', () => {
    const line = 'disk /dev/sda1 is 91% full';
    assert.equal(new TemplateMiner().mine('t', 's', line).id, new TemplateMiner().mine('t', 's', line).id);
    assert.notEqual(
      new TemplateMiner().mine('t', 's', line).id,
      new TemplateMiner().mine('t', 'other', line).id,
    );
  });

  it('keeps tenants and sources apart', () => {
    const miner = new TemplateMiner();
    miner.mine('a', 'docker', 'cache warmed in 12ms');
    miner.mine('b', 'docker', 'cache warmed in 15ms');
    assert.equal(miner.patterns('a', 'docker').length, 1);
    assert.equal(miner.patterns('b', 'docker')[0]!.count, 1);
  });

  it('bounds memory: evicts the least recently matched pattern and counts it', () => {
    const miner = new TemplateMiner({ max_patterns: 10 });
    const keep = miner.mine('t', 's', 'heartbeat ok').id;
    for (let i = 0; i < 50; i++) {
      miner.mine('t', 's', `event kind${String.fromCharCode(97 + (i % 26))}${i > 25 ? 'x' : ''} happened`);
      miner.mine('t', 's', 'heartbeat ok');
    }
    const stats = miner.stats();
    assert.equal(stats.patterns, 10);
    assert.ok(stats.evicted_patterns >= 40, `evicted ${stats.evicted_patterns}`);
    assert.ok(miner.patterns('t', 's').some((p) => p.id === keep));
  });

  it('bounds the number of tenant+source trees', () => {
    const miner = new TemplateMiner({ max_trees: 3 });
    for (let i = 0; i < 5; i++) miner.mine('t', `source-${i}`, 'hello');
    assert.equal(miner.stats().trees, 3);
    assert.equal(miner.stats().evicted_trees, 2);
  });

  it('takes empty, blank and enormous lines', () => {
    const miner = new TemplateMiner();
    assert.equal(miner.mine('t', 's', '').template, '');
    assert.equal(miner.mine('t', 's', '   ').created, false);
    assert.ok(miner.mine('t', 's', 'x '.repeat(100_000)).id);
  });
});

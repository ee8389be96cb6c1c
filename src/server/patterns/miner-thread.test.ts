import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { componentCounters, Telemetry } from '../../core/telemetry.ts';
import { readLabeled } from './accuracy.ts';
import { TemplateMiner } from './miner.ts';
import { MinerThread, type MinerThreadOptions } from './miner-thread.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/patterns');
const lines = [
  ...readLabeled(path.join(FIXTURES, 'OpenSSH_2k.tsv')),
  ...readLabeled(path.join(FIXTURES, 'HDFS_2k.tsv')),
].map((l) => l.content);

const options: MinerThreadOptions = { miner: {}, max_queued_lines: 100_000, timeout_ms: 30_000 };

describe('miner thread', { timeout: 60_000 }, () => {
  let thread: MinerThread | undefined;
  let telemetry: Telemetry;
  const start = (opts: MinerThreadOptions = options) => {
    telemetry = new Telemetry();
    return (thread = new MinerThread(opts, componentCounters(telemetry, 'patterns', 'test')));
  };
  const discarded = (reason: string) =>
    telemetry.get('component_discarded_events_total', {
      component_kind: 'patterns',
      component_id: 'test',
      reason,
    });
  afterEach(async () => {
    await thread?.close();
    thread = undefined;
  });

  it('gives the ids the miner gives, and knows their templates', async () => {
    const t = start();
    const mined = await t.mine('default', Array<string>(lines.length).fill('sshd'), lines);
    const miner = new TemplateMiner();
    const expected = lines.map((line) => miner.mine('default', 'sshd', line).id);
    assert.deepEqual(mined?.ids, expected);
    const id = expected[0]!;
    assert.deepEqual(await t.templates([['default', 'sshd', id]]), [miner.template('default', 'sshd', id)]);
    assert.deepEqual(await t.templates([['other-tenant', 'sshd', id]]), [null]);
  });

  it('restarts a worker that died, mines the batch it held, and counts the restart', async () => {
    const t = start();
    const big = Array.from({ length: 50_000 }, (_, i) => lines[i % lines.length]!.replace(/\d+/, String(i)));
    await t.mine('default', ['warm-up'], ['started']);
    const pending = t.mine('default', Array<string>(big.length).fill('app'), big);
    await t.kill();
    const mined = await pending;
    assert.equal(mined?.ids.length, big.length);
    assert.ok(mined.ids.every((id) => /^[0-9a-f]{12}$/.test(id)));
    assert.equal(t.restarts, 1);
    assert.equal(
      telemetry.get('component_errors_total', {
        component_kind: 'patterns',
        component_id: 'test',
        stage: 'worker',
        error_type: 'exit',
      }),
      1,
    );
    // The new worker goes on mining.
    assert.equal((await t.mine('default', ['app'], [big[0]!]))?.ids.length, 1);
  });

  it('does not mine a batch that does not fit the queue, and counts its lines', async () => {
    const t = start({ ...options, max_queued_lines: 1_000 });
    const batch = Array.from({ length: 1_000 }, (_, i) => lines[i % lines.length]!);
    const first = t.mine('default', Array<string>(batch.length).fill('app'), batch);
    const second = await t.mine('default', Array<string>(10).fill('app'), lines.slice(0, 10));
    assert.equal(second, undefined);
    assert.equal(discarded('miner_queue_full'), 10);
    assert.equal((await first)?.ids.length, 1_000);
    // Room again once the first batch is answered.
    assert.equal((await t.mine('default', ['app'], [lines[0]!]))?.ids.length, 1);
  });

  it('hands back batches still with the worker when closed, counted, and is safe to close twice', async () => {
    const t = start();
    const pending = t.mine('default', Array<string>(lines.length).fill('app'), lines);
    await Promise.all([t.close(), t.close()]);
    const mined = await pending;
    // Either the worker answered before it stopped, or the batch was handed back and counted.
    if (mined === undefined) assert.equal(discarded('miner_closed'), lines.length);
    else assert.equal(mined.ids.length, lines.length);
    const before = discarded('miner_closed');
    assert.equal(await t.mine('default', ['app'], ['after close']), undefined);
    assert.equal(discarded('miner_closed'), before + 1);
  });
});

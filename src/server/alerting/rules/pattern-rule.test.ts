import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { componentCounters, Telemetry } from '../../../core/telemetry.ts';
import type { LogRecord } from '../../../model/index.ts';
import { patternsSchema } from '../../patterns/config.ts';
import { PatternService } from '../../patterns/service.ts';
import { MemoryBackend } from '../../storage/memory/memory-backend.ts';
import { engineHarness, write, type Harness } from '../testing.ts';
import { ruleSchema } from './rule-schema.ts';

const fast = { default_rules: false, group_wait_ms: 0, group_interval_ms: 30, repeat_interval_ms: 3_600_000 };

function log(message: string, severity: number, ageMs = 500): LogRecord {
  return { ts: Date.now() - ageMs, host: 'node-1', source: 'docker', severity, message };
}

/** Mines and stores logs the way ingest does, then flushes the pattern statistics. */
async function ingest(storage: MemoryBackend, service: PatternService, logs: LogRecord[]): Promise<void> {
  await service.assign('default', logs);
  await write(storage, { logs });
  service.observe('default', logs);
  await service.flush();
}

describe('pattern alert rules', { timeout: 20_000 }, () => {
  let h: Harness | undefined;
  let service: PatternService | undefined;
  afterEach(async () => {
    await service?.close();
    await h?.dispose();
  });
  const start = (storage: MemoryBackend) =>
    (service = new PatternService(
      storage,
      patternsSchema.parse({}),
      componentCounters(new Telemetry(), 'patterns', 'test'),
    ));

  it('fires once per new pattern at warning or worse, not for info or old patterns', async () => {
    const storage = new MemoryBackend();
    const patterns = start(storage);
    const rule = { id: 'new-pattern', type: 'new_pattern', window_ms: 600_000, summary: 'New: {{template}}' };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    await ingest(storage, patterns, [log('cache warmed in 12ms', 6, 3_600_000)]);
    await ingest(storage, patterns, [
      log('cache warmed in 15ms', 3), // an old pattern, even at err
      log('request served in 3ms', 6),
      log('disk /dev/sda1 is 91% full', 4),
      log('disk /dev/sdb1 is 97% full', 4),
      log('raft: leader lost, term 7', 2),
    ]);
    await h.engine.evaluate();
    const firing = h.engine.alerts('default', ['firing']);
    assert.deepEqual(firing.map((a) => [a.labels.template, a.value]).sort(), [
      ['disk <PATH> is <NUM> full', 2],
      ['raft: leader lost, term <NUM>', 1],
    ]);
    assert.ok(firing.every((a) => /^[0-9a-f]{12}$/.test(a.labels.pattern ?? '')));
    assert.equal(
      firing.find((a) => a.labels.template?.startsWith('raft'))?.summary,
      'New: raft: leader lost, term <NUM>',
    );
  });

  it('lets a log count rule group by pattern id', async () => {
    const storage = new MemoryBackend();
    const patterns = start(storage);
    const rule = {
      id: 'noisy',
      type: 'log_count',
      query: 'severity:<=3',
      window_ms: 60_000,
      threshold: 2,
      group_by: ['pattern'],
    };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    const logs = [1, 2, 3].map((i) => log(`upstream 10.0.0.${i} timed out`, 3));
    await ingest(storage, patterns, [...logs, log('bad request from 10.0.0.9', 3)]);
    await h.engine.evaluate();
    assert.deepEqual(
      h.engine.alerts('default', ['firing']).map((a) => [a.labels.pattern, a.value]),
      [[logs[0]!.pattern, 3]],
    );
  });

  it('fires a pattern rate rule for the pattern that surges past its own baseline, not a steady one', async () => {
    const storage = new MemoryBackend();
    const patterns = start(storage);
    const now = Date.now();
    const step = 300_000;
    const logs: LogRecord[] = [];
    const at = (ts: number, message: string): LogRecord => ({ ts, host: 'node-1', source: 'api', message });
    // Four hours of history: about 40 requests and 15 payment timeouts per 5 minutes.
    for (let k = 0, ts = now - 4 * 3_600_000; ts < now - 2 * step; k++, ts += step) {
      for (let i = 0; i < 40 + (k % 5); i++)
        logs.push(at(ts + i * 1000, `GET /api/orders/${k * 100 + i} 200 in ${i}ms`));
      for (let i = 0; i < 15 + (k % 3); i++)
        logs.push(at(ts + i * 2000, `payment gateway timeout after ${3000 + i}ms`));
    }
    // The last minutes: requests as usual, payment timeouts twenty times their rate.
    for (let i = 0; i < 42; i++)
      logs.push(at(now - 120_000 + i * 1000, `GET /api/orders/${i} 200 in ${i}ms`));
    for (let i = 0; i < 300; i++)
      logs.push(at(now - 120_000 + i * 300, `payment gateway timeout after ${i}ms`));
    await patterns.assign('default', logs);
    await write(storage, { logs }, 'node-1', now - 4 * 3_600_000);
    patterns.observe('default', logs);
    await patterns.flush();
    const rule = {
      id: 'pattern-rate',
      type: 'pattern_rate',
      min_history_ms: 3_600_000,
      history_ms: 4 * 3_600_000,
      summary: '{{template}}: {{value}} lines, usually {{baseline}}',
    };
    h = await engineHarness(storage, { ...fast, rules: [rule] });
    await h.engine.evaluate();
    const firing = h.engine.alerts('default', ['firing']);
    assert.deepEqual(
      firing.map((a) => [a.labels.template, a.value]),
      [['payment gateway timeout after <DURATION>', 300]],
    );
    const baseline = firing[0]!.context?.baseline ?? -1;
    assert.ok(baseline > 10 && baseline < 20, `baseline ${baseline} ≈ 16`);
    assert.match(firing[0]!.summary, /^payment gateway timeout after <DURATION>: 300 lines, usually 1\d/);
  });

  it('rejects a pattern rate window that is not whole minutes, naming the key', () => {
    const result = ruleSchema.safeParse({ id: 'r', type: 'pattern_rate', window_ms: 90_000 });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ['window_ms']);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';
import type { LogRecord } from '../../model/index.ts';
import type { StoredLog } from '../storage/backend.ts';
import type { PatternSummary } from '../storage/pattern-types.ts';
import { getJson, ingest } from './test-client.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
type Patterns = { patterns: Array<PatternSummary & { severity_name: string | null }>; step_ms: number };

const ACME_TOKEN = 'acme-read-ingest-token-0123456789';
const T0 = Date.now() - 5 * 60_000;

function line(i: number, message: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { ts: T0 + i * 1000, host: 'node-1', source: 'docker', message, ...extra };
}

/** Pattern statistics reach storage on the miner's next flush (every 2 s by default). */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('pattern API', () => {
  let server: Server;
  const patterns = (params: Record<string, string | number> = {}, token = TEST_ADMIN_TOKEN) =>
    getJson<Patterns>(server, token, '/api/v1/patterns', { from: 'now-1h', ...params });

  before(async () => {
    server = await testServer();
    server.tokens.add(ACME_TOKEN, { tenant: 'acme', scopes: ['ingest', 'read'] }, 'acme test token');
    const logs: LogRecord[] = [];
    for (let i = 0; i < 30; i++)
      logs.push(line(i, `GET /api/orders/${i} 200 in ${i + 3}ms`, { severity: 6 }));
    for (let i = 0; i < 5; i++) {
      logs.push(line(30 + i, `connection to 10.0.0.${i}:5432 refused, retry ${i}`, { severity: 3 }));
    }
    // An agent cannot choose the pattern: the server sets it.
    logs.push(line(40, 'disk /dev/sda1 is 91% full', { severity: 4, pattern: 'forged' }));
    await ingest(server, TEST_ADMIN_TOKEN, { logs });
    await ingest(server, ACME_TOKEN, { logs: [line(0, 'acme only line 1')] }, 'agent-acme');
  });
  after(async () => server.dispose());

  it('ranks patterns by count with template, severity, first/last seen, examples and a sparkline', async () => {
    const { status, body } = await poll(
      () => patterns(),
      (r) => r.body.patterns?.length === 3,
    );
    assert.equal(status, 200);
    const [top, second, third] = body.patterns;
    assert.equal(top!.template, 'GET <PATH> <NUM> in <DURATION>');
    assert.equal(top!.count, 30);
    assert.equal(top!.severity_name, 'info');
    assert.equal(top!.first_seen, T0);
    assert.equal(top!.last_seen, T0 + 29_000);
    assert.deepEqual(top!.examples, [
      'GET /api/orders/0 200 in 3ms',
      'GET /api/orders/1 200 in 4ms',
      'GET /api/orders/2 200 in 5ms',
    ]);
    assert.equal(
      top!.sparkline.reduce((a, b) => a + b, 0),
      30,
    );
    assert.equal(second!.count, 5);
    assert.equal(second!.template, 'connection to <IP> refused, retry <NUM>');
    assert.equal(second!.severity_name, 'err');
    assert.equal(third!.template, 'disk <PATH> is <NUM> full');
  });

  it('filters by template words, limits, and keeps tenants apart', async () => {
    const { body } = await patterns({ q: 'refused', limit: 5 });
    assert.deepEqual(
      body.patterns.map((p) => p.count),
      [5],
    );
    assert.equal((await patterns({ limit: 1 })).body.patterns.length, 1);
    const acme = await poll(
      () => patterns({}, ACME_TOKEN),
      (r) => r.body.patterns?.length === 1,
    );
    assert.deepEqual(
      acme.body.patterns.map((p) => p.template),
      ['acme only line <NUM>'],
    );
  });

  it('finds the lines of a pattern with pattern:<id> in the log query', async () => {
    const top = (await patterns({ limit: 1 })).body.patterns[0]!;
    const { body } = await getJson<{ records: StoredLog[] }>(
      server,
      TEST_ADMIN_TOKEN,
      '/api/v1/logs/search',
      {
        q: `pattern:${top.id}`,
        from: 'now-1h',
        limit: 100,
      },
    );
    assert.equal(body.records.length, 30);
    assert.ok(body.records.every((r) => r.pattern === top.id && r.message.startsWith('GET /api/orders/')));
    const forged = await getJson<{ records: StoredLog[] }>(server, TEST_ADMIN_TOKEN, '/api/v1/logs/search', {
      q: 'pattern:forged',
      from: 'now-1h',
    });
    assert.deepEqual(forged.body.records, []);
  });

  it('groups a log search by pattern', async () => {
    const { status, body } = await getJson<{
      groups: Array<{ pattern: string; count: number; template: string }>;
    }>(server, TEST_ADMIN_TOKEN, '/api/v1/logs/search', {
      q: 'severity:<=4',
      from: 'now-1h',
      group: 'pattern',
    });
    assert.equal(status, 200);
    assert.deepEqual(
      body.groups.map((g) => [g.count, g.template]),
      [
        [5, 'connection to <IP> refused, retry <NUM>'],
        [1, 'disk <PATH> is <NUM> full'],
      ],
    );
  });

  it('counts a batch resent by an agent once', async () => {
    const batch = {
      batch_id: 'agent-resend:1',
      agent_id: 'agent-resend',
      seq: 1,
      host: 'node-1',
      sent_ts: Date.now(),
      logs: [line(50, 'resent batch line 1'), line(51, 'resent batch line 2')],
    };
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      assert.equal(response.status, 200);
    }
    const { body } = await poll(
      () => patterns({ q: 'resent' }),
      (r) => r.body.patterns?.length === 1,
    );
    // Both sends are in storage's hands before the next flush; only one was stored.
    await new Promise((r) => setTimeout(r, 2500));
    const again = await patterns({ q: 'resent' });
    assert.equal(body.patterns[0]!.total, 2);
    assert.equal(again.body.patterns[0]!.total, 2);
  });

  it('reports the miner on /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const held = /^pattern_miner_patterns (\d+)$/m.exec(text);
    assert.ok(held && Number(held[1]) >= 4, text);
    assert.match(text, /^pattern_miner_evictions\{kind="pattern"\} 0$/m);
  });

  it('returns one pattern by id, 404 for an unknown one, 400 for a bad step', async () => {
    const top = (await patterns({ limit: 1 })).body.patterns[0]!;
    const one = await getJson<PatternSummary>(server, TEST_ADMIN_TOKEN, `/api/v1/patterns/${top.id}`, {
      from: 'now-1h',
    });
    assert.equal(one.body.count, 30);
    const missing = await getJson(server, TEST_ADMIN_TOKEN, '/api/v1/patterns/nope');
    assert.equal(missing.status, 404);
    const bad = await patterns({ step: 'soon' });
    assert.equal(bad.status, 400);
  });
});

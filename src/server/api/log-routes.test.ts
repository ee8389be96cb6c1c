import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';
import type { LogRecord } from '../../model/index.ts';
import type { StoredLog } from '../storage/backend.ts';
import { getJson, ingest } from './test-client.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
type SearchPage = { records: StoredLog[]; next_cursor: string | null };
type ErrorBody = { error: { code: string; message: string } };

const ACME_TOKEN = 'acme-read-ingest-token-0123456789';
const T0 = Date.now() - 10 * 60_000;

function line(i: number, extra: Partial<LogRecord> = {}): LogRecord {
  return { ts: T0 + i * 1000, host: 'node-1', source: 'docker', message: `request ${i} served`, ...extra };
}

describe('log API', () => {
  let server: Server;
  const search = (params: Record<string, string | number | undefined>, token = TEST_ADMIN_TOKEN) =>
    getJson<SearchPage>(server, token, '/api/v1/logs/search', { from: 'now-1h', ...params });

  before(async () => {
    server = await testServer();
    server.tokens.add(ACME_TOKEN, { tenant: 'acme', scopes: ['ingest', 'read'] }, 'acme test token');
    const logs = Array.from({ length: 10 }, (_, i) => line(i, { severity: i % 2 === 0 ? 6 : 3 }));
    logs.push(
      line(10, {
        message: 'upstream timed out',
        container: { name: 'web', image: 'nginx' },
        fields: { status: 504 },
      }),
    );
    await ingest(server, TEST_ADMIN_TOKEN, {
      logs,
      events: [
        {
          ts: T0,
          host: 'node-1',
          kind: 'container',
          action: 'start',
          actor: { name: 'web', image: 'nginx' },
        },
      ],
    });
    await ingest(server, ACME_TOKEN, { logs: [line(0, { message: 'acme secret timed out' })] }, 'agent-acme');
  });
  after(async () => server.dispose());

  it('finds an ingested record once, with its fields, an id and its pattern id', async () => {
    const { status, body } = await search({ q: '"timed out" AND fields.status:[500 TO 599]' });
    assert.equal(status, 200);
    assert.equal(body.records.length, 1);
    const { id, pattern, ...record } = body.records[0]!;
    assert.match(id, /\S/);
    assert.match(pattern ?? '', /^[0-9a-f]{12}$/);
    assert.deepEqual(
      record,
      line(10, {
        message: 'upstream timed out',
        container: { name: 'web', image: 'nginx' },
        fields: { status: 504 },
      }),
    );
    assert.equal(body.next_cursor, null);
  });

  it('pages through every record exactly once, newest first by default', async () => {
    const ids: string[] = [];
    const ts: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const { body } = await search({ q: 'request', limit: 3, cursor });
      ids.push(...body.records.map((r) => r.id));
      ts.push(...body.records.map((r) => r.ts));
      if (!body.next_cursor) break;
      cursor = body.next_cursor;
    }
    assert.equal(ids.length, 10);
    assert.equal(new Set(ids).size, 10);
    assert.deepEqual(
      ts,
      [...ts].sort((a, b) => b - a),
    );
    const oldest = await search({ q: 'request', order: 'oldest', limit: 1 });
    assert.equal(oldest.body.records[0]?.message, 'request 0 served');
  });

  it('never shows one tenant another tenant’s logs, events, containers or context', async () => {
    const mine = await search({ q: 'timed' }, ACME_TOKEN);
    assert.deepEqual(
      mine.body.records.map((r) => r.message),
      ['acme secret timed out'],
    );
    const theirs = await search({ q: 'secret' });
    assert.deepEqual(theirs.body.records, []);
    const ctx = await getJson<ErrorBody>(server, TEST_ADMIN_TOKEN, '/api/v1/logs/context', {
      id: mine.body.records[0]!.id,
    });
    assert.equal(ctx.status, 404);
    const events = await getJson<{ events: unknown[] }>(server, ACME_TOKEN, '/api/v1/events', {
      from: 'now-1h',
    });
    assert.deepEqual(events.body.events, []);
    const containers = await getJson<{ containers: unknown[] }>(server, ACME_TOKEN, '/api/v1/containers');
    assert.deepEqual(containers.body.containers, []);
  });

  it('counts records per interval split by severity, with empty buckets filled', async () => {
    const { status, body } = await getJson<{
      interval_ms: number;
      buckets: Array<{ ts: number; total: number; by_severity: Record<string, number> }>;
    }>(server, TEST_ADMIN_TOKEN, '/api/v1/logs/histogram', {
      q: 'request',
      from: T0 - 60_000,
      to: T0 + 60_000,
      interval: '1m',
    });
    assert.equal(status, 200);
    assert.equal(body.interval_ms, 60_000);
    const total = body.buckets.reduce((n, b) => n + b.total, 0);
    assert.equal(total, 10);
    const merged: Record<string, number> = {};
    for (const b of body.buckets)
      for (const [k, v] of Object.entries(b.by_severity)) merged[k] = (merged[k] ?? 0) + v;
    assert.deepEqual(merged, { info: 5, err: 5 });
    assert.ok(body.buckets.some((b) => b.total === 0));
  });

  it('gives the lines around a record', async () => {
    const { body } = await search({ q: '"request 5 served"' });
    const ctx = await getJson<{ record: StoredLog; before: StoredLog[]; after: StoredLog[] }>(
      server,
      TEST_ADMIN_TOKEN,
      '/api/v1/logs/context',
      { id: body.records[0]!.id, before: 2, after: 2 },
    );
    assert.equal(ctx.status, 200);
    assert.deepEqual(
      ctx.body.before.map((r) => r.message),
      ['request 3 served', 'request 4 served'],
    );
    assert.deepEqual(
      ctx.body.after.map((r) => r.message),
      ['request 6 served', 'request 7 served'],
    );
  });

  it('lists events by filter and containers with their state', async () => {
    const events = await getJson<{ events: Array<{ action: string; id: string }> }>(
      server,
      TEST_ADMIN_TOKEN,
      '/api/v1/events',
      {
        q: 'kind:container AND actor.name:web',
        from: 'now-1h',
      },
    );
    assert.deepEqual(
      events.body.events.map((e) => e.action),
      ['start'],
    );
    const containers = await getJson<{ containers: Array<Record<string, unknown>> }>(
      server,
      TEST_ADMIN_TOKEN,
      '/api/v1/containers',
    );
    assert.deepEqual(
      containers.body.containers.map((c) => [c.name, c.image, c.state, c.last_seen]),
      [['web', 'nginx', 'running', T0 + 10_000]],
    );
  });

  const BAD: Array<[string, Record<string, string>, RegExp]> = [
    ['/api/v1/logs/search', { q: 'host:(a' }, /^query position 8: expected '\)'/],
    ['/api/v1/logs/search', { limit: '5000' }, /limit: "5000" is not a whole number from 1 to 1000/],
    ['/api/v1/logs/search', { order: 'sideways' }, /order: "sideways" must be one of newest, oldest/],
    ['/api/v1/logs/search', { cursor: 'garbage' }, /cursor: not a cursor/],
    ['/api/v1/logs/search', { from: 'yesterday' }, /from: "yesterday" is not a time/],
    ['/api/v1/logs/histogram', { interval: '1ms', from: 'now-1d' }, /more than 2000 buckets/],
    ['/api/v1/logs/context', {}, /missing parameter "id"/],
    ['/api/v1/logs/context', { id: 'nope' }, /id: "nope" is not a record id/],
    ['/api/v1/events', { q: 'container.name:web' }, /unknown field "container.name"/],
  ];
  for (const [path, params, message] of BAD) {
    it(`answers ${path}?${new URLSearchParams(params).toString()} with 400 and a message`, async () => {
      const { status, body } = await getJson<ErrorBody>(server, TEST_ADMIN_TOKEN, path, params);
      assert.equal(status, 400);
      assert.equal(body.error.code, 'BE_QUERY_INVALID');
      assert.match(body.error.message, message);
    });
  }

  it('refuses to read without a token', async () => {
    const response = await fetch(`${server.url}/api/v1/logs/search`);
    assert.equal(response.status, 401);
  });
});

import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
interface BulkResponse {
  took: number;
  errors: boolean;
  items: Array<
    Record<
      string,
      {
        _index: string;
        _id: string;
        status: number;
        result?: string;
        error?: { type: string; reason: string };
      }
    >
  >;
}

const ndjson = (...lines: unknown[]) =>
  lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

async function bulk(
  server: Server,
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as BulkResponse };
}

async function search(server: Server, q: string) {
  const url = new URL('/api/v1/logs/search', server.url);
  url.search = new URLSearchParams({
    q,
    from: '2020-01-01T00:00:00Z',
    to: 'now+1h',
    order: 'oldest',
  }).toString();
  const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  assert.equal(response.status, 200);
  return ((await response.json()) as { records: Array<Record<string, unknown>> }).records;
}

describe('Elasticsearch _bulk ingest', () => {
  let server: Server;
  before(async () => {
    server = await testServer();
  });
  after(async () => server.dispose());

  it('stores index and create items with the common fields mapped and answers per item', async () => {
    const res = await bulk(
      server,
      '/_bulk',
      ndjson(
        { index: { _index: 'app-logs' } },
        {
          '@timestamp': '2026-11-25T10:00:00.250Z',
          message: 'disk full on /var',
          host: { name: 'web-1' },
          'log.level': 'error',
          path: '/var',
        },
        { create: { _index: 'app-logs', _id: 'doc-2' } },
        {
          timestamp: 1_795_600_000_000,
          message: 'bulk second line',
          hostname: 'web-2',
          level: 'warn',
          programname: 'nginx',
        },
      ),
      { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.errors, false);
    assert.deepEqual(
      res.body.items.map(
        (item) => Object.entries(item).map(([action, r]) => [action, r.status, r.result, r._index])[0],
      ),
      [
        ['index', 201, 'created', 'app-logs'],
        ['create', 201, 'created', 'app-logs'],
      ],
    );
    assert.equal(res.body.items[1]!.create!._id, 'doc-2');
    const [first] = await search(server, '"disk full"');
    assert.equal(first?.host, 'web-1');
    assert.equal(first?.severity, 3);
    assert.equal(first?.ts, Date.parse('2026-11-25T10:00:00.250Z'));
    assert.deepEqual(first?.fields, { path: '/var' });
    // Stored through the same step as native batches: mined into a pattern like any other line.
    assert.match(String(first?.pattern), /^[0-9a-f]+$/);
    const [second] = await search(server, 'service:nginx');
    assert.equal(second?.message, 'bulk second line');
    assert.equal(second?.host, 'web-2');
    assert.equal(second?.severity, 4);
  });

  it('gives malformed lines a 400 item each and still stores the good lines around them', async () => {
    const res = await bulk(
      server,
      '/_bulk',
      ndjson(
        { index: {} },
        { message: 'good line one' },
        { index: {} },
        '{"message": "broken json',
        'not an action line',
        { index: {} },
        { message: 'good line two' },
        { delete: { _id: 'x' } },
      ),
      { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.errors, true);
    const statuses = res.body.items.map((item) => Object.values(item)[0]!.status);
    assert.deepEqual(statuses, [201, 400, 400, 201, 400]);
    assert.equal(res.body.items[1]!.index!.error?.type, 'document_parsing_exception');
    assert.match(res.body.items[4]!.delete!.error!.reason, /delete is not supported/);
    assert.equal((await search(server, '"good line"')).length, 2);
  });

  it('takes the token from the index name, Logsene-style, and a gzip body', async () => {
    const body = gzipSync(ndjson({ index: {} }, { message: 'token as index name' }));
    const res = await bulk(server, `/${TEST_ADMIN_TOKEN}/_bulk`, body, { 'content-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.equal(res.body.items[0]!.index!.status, 201);
    assert.equal((await search(server, '"token as index name"')).length, 1);
  });

  it('rejects items whose index is not a token when there is no Authorization header', async () => {
    const res = await bulk(
      server,
      '/_bulk',
      ndjson({ index: { _index: 'logs-2026' } }, { message: 'nobody may write this' }),
    );
    assert.equal(res.body.items[0]!.index!.status, 401);
    assert.equal((await search(server, '"nobody may write"')).length, 0);
  });

  it('answers 401 for an unknown Authorization token, and the version probe on GET / and HEAD /', async () => {
    const denied = await bulk(server, '/_bulk', ndjson({ index: {} }, { message: 'x' }), {
      authorization: 'Bearer nope',
    });
    assert.equal(denied.status, 401);
    const probe = await fetch(`${server.url}/`, { headers: { accept: 'application/json' } });
    assert.equal(probe.headers.get('x-elastic-product'), 'Elasticsearch');
    const doc = (await probe.json()) as { version: { number: string }; tagline: string };
    assert.match(doc.version.number, /^7\./);
    assert.equal((await fetch(`${server.url}/`, { method: 'HEAD' })).status, 200);
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    assert.notEqual(page.headers.get('x-elastic-product'), 'Elasticsearch');
  });
});

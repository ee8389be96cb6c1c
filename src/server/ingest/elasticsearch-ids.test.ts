import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
interface Item {
  _index: string;
  _id: string;
  status: number;
  result?: string;
  _version?: number;
  error?: { type: string; reason: string };
}
interface BulkResponse {
  errors: boolean;
  items: Array<Record<string, Item>>;
}

const ndjson = (...lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

async function bulk(server: Server, path: string, body: string, headers: Record<string, string> = auth) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
  assert.equal(response.status, 200);
  const json = (await response.json()) as BulkResponse;
  return { errors: json.errors, items: json.items.map((i) => Object.values(i)[0]!) };
}

async function records(server: Server, q: string): Promise<Array<{ message: string; pattern?: string }>> {
  const url = new URL('/api/v1/logs/search', server.url);
  url.search = new URLSearchParams({
    q,
    from: '2020-01-01T00:00:00Z',
    to: 'now+1h',
    order: 'oldest',
  }).toString();
  const response = await fetch(url, { headers: auth });
  assert.equal(response.status, 200);
  return ((await response.json()) as { records: Array<{ message: string; pattern?: string }> }).records;
}

const messages = async (server: Server, q: string) => (await records(server, q)).map((r) => r.message);

describe('Elasticsearch _bulk _id', () => {
  let server: Server;
  before(async () => {
    server = await testServer();
  });
  after(async () => server.dispose());

  it('answers a create of a stored _id with 409 version_conflict_engine_exception and stores nothing', async () => {
    const body = ndjson(
      { create: { _index: 'app', _id: 'c-1' } },
      { '@timestamp': '2026-11-25T10:00:00Z', message: 'orchid created once' },
    );
    const first = await bulk(server, '/_bulk', body);
    assert.equal(first.errors, false);
    assert.deepEqual(
      [first.items[0]!.status, first.items[0]!.result, first.items[0]!._id],
      [201, 'created', 'c-1'],
    );
    const second = await bulk(server, '/_bulk', body);
    assert.equal(second.errors, true);
    assert.equal(second.items[0]!.status, 409);
    assert.equal(second.items[0]!.error?.type, 'version_conflict_engine_exception');
    const [stored, ...more] = await records(server, 'orchid');
    assert.deepEqual([stored?.message, more.length], ['orchid created once', 0]);
    assert.match(String(stored?.pattern), /^[0-9a-f]+$/, 'mined into a pattern like any other line');
  });

  it('replaces the document of an index with a stored _id (result updated, version 2)', async () => {
    const send = (message: string) =>
      bulk(
        server,
        '/logs-app/_bulk',
        ndjson({ index: { _id: 'i-1' } }, { '@timestamp': '2026-11-25T10:01:00Z', message }),
      );
    const first = await send('tulip first version');
    assert.deepEqual([first.items[0]!.status, first.items[0]!.result], [201, 'created']);
    const second = await send('tulip second version');
    assert.deepEqual(
      [second.items[0]!.status, second.items[0]!.result, second.items[0]!._version],
      [200, 'updated', 2],
    );
    assert.deepEqual(await messages(server, 'tulip'), ['tulip second version']);
    assert.deepEqual(await messages(server, 'first'), []);
  });

  it('stores a resent request once for the items that carry an _id (as Elasticsearch does)', async () => {
    // What rsyslog's omelasticsearch sends with a uuid as _id (bulkid), resent after a timeout.
    const body = ndjson(
      { index: { _index: 'syslog', _id: 'f0a1c2d3-1' } },
      { timereported: '2026-11-25T10:02:00Z', hostname: 'web-1', msg: 'lilac line one', programname: 'app' },
      { index: { _index: 'syslog', _id: 'f0a1c2d3-2' } },
      { timereported: '2026-11-25T10:02:01Z', hostname: 'web-2', msg: 'lilac line two', programname: 'app' },
      { create: { _index: 'syslog', _id: 'f0a1c2d3-3' } },
      { timereported: '2026-11-25T10:02:02Z', hostname: 'web-1', msg: 'lilac line three' },
      { index: { _index: 'syslog' } },
      { timereported: '2026-11-25T10:02:03Z', hostname: 'web-1', msg: 'lilac without id' },
    );
    const first = await bulk(server, '/_bulk', body);
    assert.equal(first.errors, false);
    const retry = await bulk(server, '/_bulk', body);
    assert.deepEqual(
      retry.items.map((i) => [i.status, i.result ?? i.error?.type]),
      [
        [200, 'updated'],
        [200, 'updated'],
        [409, 'version_conflict_engine_exception'],
        [201, 'created'],
      ],
    );
    // Lines without an _id cannot be recognised: Elasticsearch would store them twice too.
    assert.deepEqual(await messages(server, 'lilac'), [
      'lilac line one',
      'lilac line two',
      'lilac line three',
      'lilac without id',
      'lilac without id',
    ]);
  });

  it('keeps _ids apart per index, and for token-as-index shippers per tenant', async () => {
    const doc = (index: string, message: string) =>
      ndjson({ create: { _index: index, _id: 'same' } }, { '@timestamp': '2026-11-25T10:03:00Z', message });
    assert.equal((await bulk(server, '/_bulk', doc('one', 'iris in one'))).items[0]!.status, 201);
    assert.equal((await bulk(server, '/_bulk', doc('two', 'iris in two'))).items[0]!.status, 201);
    const viaToken = await bulk(server, '/_bulk', doc(TEST_ADMIN_TOKEN, 'iris via token'), {});
    assert.equal(viaToken.items[0]!.status, 201);
    const again = await bulk(server, '/_bulk', doc(TEST_ADMIN_TOKEN, 'iris via token'), {});
    assert.equal(again.items[0]!.status, 409);
    assert.deepEqual(await messages(server, 'iris'), ['iris in one', 'iris in two', 'iris via token']);
  });
});

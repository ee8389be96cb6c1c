import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function batch(seq: number, value = 1) {
  return {
    batch_id: `agent-x:${seq}`,
    agent_id: 'agent-x',
    seq,
    host: 'node-7',
    sent_ts: T0,
    metrics: [{ name: 'node_load1', labels: { host: 'node-7' }, value, ts: T0 + seq }],
  };
}

async function post(server: Server, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const gz = (value: unknown) => gzipSync(JSON.stringify(value));

describe('native ingest endpoint', () => {
  let server: Server;
  before(async () => {
    server = await testServer();
  });
  after(async () => server.dispose());

  it('stores a gzip batch and acknowledges it with its counts', async () => {
    const res = await post(server, gz(batch(1)), { 'content-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'stored', batch_id: 'agent-x:1', metrics: 1, logs: 0, events: 0 });
    assert.equal((await server.storage.stats('default')).metric_samples, 1);
  });

  it('accepts an uncompressed batch', async () => {
    assert.equal((await post(server, JSON.stringify(batch(2)))).status, 200);
  });

  it('stores a resent batch id only once', async () => {
    await post(server, gz(batch(3, 5)), { 'content-encoding': 'gzip' });
    const again = await post(server, gz(batch(3, 6)), { 'content-encoding': 'gzip' });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'duplicate');
    const stats = await server.storage.stats('default');
    assert.equal(stats.batches, 3);
    assert.equal(stats.metric_samples, 3);
  });

  it('rejects a missing or unknown token with 401 and stores nothing', async () => {
    const before = await server.storage.stats('default');
    const none = await post(server, JSON.stringify(batch(10)), { authorization: '' });
    assert.equal(none.status, 401);
    assert.match(String((none.body.error as { message: string }).message), /Authorization: Bearer/);
    const wrong = await post(server, JSON.stringify(batch(11)), { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { error: { code: 'BE_UNAUTHORIZED', message: 'unknown or revoked token' } });
    assert.deepEqual(await server.storage.stats('default'), before);
  });

  it('rejects a malformed batch with 400 naming what is wrong', async () => {
    const bad = { ...batch(20), metrics: [{ name: 'node load', labels: {}, value: 1, ts: T0 }] };
    const res = await post(server, JSON.stringify(bad));
    assert.equal(res.status, 400);
    const error = res.body.error as { code: string; message: string };
    assert.equal(error.code, 'BE_BATCH_INVALID');
    assert.match(error.message, /metrics\[0\]\.name: must be a Prometheus metric name/);
  });

  it('rejects bodies that are not JSON or not gzip', async () => {
    const notJson = await post(server, '{"batch_id": ');
    assert.equal(notJson.status, 400);
    assert.match(String((notJson.body.error as { message: string }).message), /body is not JSON/);
    const notGzip = await post(server, 'plain text', { 'content-encoding': 'gzip' });
    assert.equal(notGzip.status, 400);
    assert.match(String((notGzip.body.error as { message: string }).message), /not valid gzip/);
    const brotli = await post(server, 'x', { 'content-encoding': 'br' });
    assert.equal(brotli.status, 400);
    assert.match(
      String((brotli.body.error as { message: string }).message),
      /unsupported Content-Encoding "br"/,
    );
  });

  it('counts what it received and rejected on /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(
      text,
      /component_received_events_total\{component_kind="ingest",component_id="native"\} [1-9]/,
    );
    assert.match(text, /component_errors_total\{[^}]*error_type="BE_BATCH_INVALID"\} 1/);
    assert.match(text, /component_discarded_events_total\{[^}]*reason="duplicate_batch"\} 1/);
  });
});

describe('native ingest limits', () => {
  let server: Server;
  before(async () => {
    server = await testServer();
  });
  after(async () => server.dispose());

  it('refuses a gzip bomb larger than the uncompressed batch limit with 413', async () => {
    const huge = gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20));
    const res = await post(server, huge, { 'content-encoding': 'gzip' });
    assert.equal(res.status, 413);
    assert.match(
      String((res.body.error as { message: string }).message),
      /larger than \d+ bytes uncompressed/,
    );
  });
});

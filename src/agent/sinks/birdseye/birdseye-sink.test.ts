import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../../test/helpers/server.ts';
import type { IngestBatch } from '../../../model/index.ts';
import { encodeBatch } from '../../encoded-batch.ts';
import { BirdseyeSink } from './birdseye-sink.ts';

const batch = (seq: number): IngestBatch => ({
  batch_id: `sink-test:${seq}`,
  agent_id: 'sink-test',
  seq,
  host: 'node-1',
  sent_ts: Date.now(),
  metrics: [{ name: 'node_load1', labels: { host: 'node-1' }, value: 1, ts: Date.now() }],
  logs: [],
  events: [],
});

describe('birdseye sink against a real server', () => {
  let server: Awaited<ReturnType<typeof testServer>>;
  before(async () => {
    server = await testServer();
  });
  after(async () => server.dispose());

  it('delivers a batch: ok', async () => {
    const sink = new BirdseyeSink({ serverUrl: server.url, token: TEST_ADMIN_TOKEN, timeoutMs: 5000 });
    assert.deepEqual(await sink.send(await encodeBatch(batch(1))), { outcome: 'ok' });
    assert.equal((await server.storage.stats('default')).batches, 1);
    await sink.close();
    await sink.close();
  });

  it('a wrong token fails for good, with the server message', async () => {
    const sink = new BirdseyeSink({ serverUrl: server.url, token: 'wrong', timeoutMs: 5000 });
    const result = await sink.send(await encodeBatch(batch(2)));
    assert.equal(result.outcome, 'failed');
    assert.match((result as { reason: string }).reason, /HTTP 401: .*unknown or revoked token/);
    await sink.close();
  });
});

describe('birdseye sink outcomes by response', () => {
  const cases: Array<[string, number, Record<string, string>, string, number | undefined]> = [
    ['503', 503, {}, 'retryable', undefined],
    ['429 with Retry-After', 429, { 'retry-after': '7' }, 'retryable', 7000],
    ['408', 408, {}, 'retryable', undefined],
    ['400', 400, {}, 'failed', undefined],
    ['413', 413, {}, 'failed', undefined],
  ];
  for (const [name, status, headers, outcome, retryAfter] of cases) {
    it(`${name} → ${outcome}`, async () => {
      const http = createServer((_req, res) =>
        res.writeHead(status, headers).end('{"error":{"message":"x"}}'),
      );
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const { port } = http.address() as AddressInfo;
      const sink = new BirdseyeSink({ serverUrl: `http://127.0.0.1:${port}`, token: 't', timeoutMs: 2000 });
      const result = await sink.send(await encodeBatch(batch(1)));
      assert.equal(result.outcome, outcome);
      if (retryAfter !== undefined)
        assert.equal((result as { retry_after_ms?: number }).retry_after_ms, retryAfter);
      await sink.close();
      await new Promise((resolve) => http.close(resolve));
    });
  }

  it('a refused connection is retryable', async () => {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    await new Promise((resolve) => http.close(resolve));
    const sink = new BirdseyeSink({ serverUrl: `http://127.0.0.1:${port}`, token: 't', timeoutMs: 2000 });
    const result = await sink.send(await encodeBatch(batch(1)));
    assert.equal(result.outcome, 'retryable');
    assert.match((result as { reason: string }).reason, /ECONNREFUSED/);
    await sink.close();
  });
});

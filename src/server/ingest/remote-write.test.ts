import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeWriteRequest, samplesToSeries, snappyCompress } from '../../core/remote-write/index.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
const T0 = Date.now() - 60_000;

async function write(server: Server, body: Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/v1/write`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      ...headers,
    },
    body: new Uint8Array(body),
  });
  return { status: response.status, text: await response.text() };
}

describe('Prometheus remote write ingest', () => {
  let server: Server;
  before(async () => {
    server = await testServer();
  });
  after(async () => server.dispose());

  it('stores the samples and answers 204; they are queryable', async () => {
    const samples = [0, 1, 2].map((i) => ({
      name: 'rw_test_total',
      labels: { job: 'j', instance: 'i:1' },
      value: i * 10,
      ts: T0 + i * 1000,
    }));
    const res = await write(server, snappyCompress(encodeWriteRequest(samplesToSeries(samples))));
    assert.equal(res.status, 204);
    const url = new URL('/api/v1/metrics/query', server.url);
    url.search = new URLSearchParams({
      query: 'rw_test_total{job="j"}',
      from: 'now-5m',
      to: 'now',
      step: '1s',
    }).toString();
    const query = await fetch(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    assert.equal(query.status, 200);
    const result = (await query.json()) as {
      series: Array<{ labels: Record<string, string>; points: number[][] }>;
    };
    assert.equal(result.series.length, 1);
    assert.equal(result.series[0]!.labels.instance, 'i:1');
    assert.deepEqual(
      result.series[0]!.points.map(([, value]) => value),
      [0, 10, 20],
    );
  });

  it('answers 400 with a reason for a body that is not snappy, or not a WriteRequest', async () => {
    const notSnappy = await write(server, Buffer.from('hello'));
    assert.equal(notSnappy.status, 400);
    assert.match(notSnappy.text, /snappy/);
    const notProto = await write(server, snappyCompress(Buffer.from([0x0a, 0x7f, 0x01])));
    assert.equal(notProto.status, 400);
    assert.match(notProto.text, /WriteRequest/);
  });

  it('answers 401 without an ingest token', async () => {
    const res = await write(server, snappyCompress(Buffer.alloc(0)), { authorization: 'Bearer wrong' });
    assert.equal(res.status, 401);
  });
});

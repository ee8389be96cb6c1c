import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPrometheus, type PrometheusProcess } from '../helpers/prometheus.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/system-part.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
interface QueryResult {
  series: Array<{ labels: Record<string, string>; points: Array<[number, number]> }>;
}

async function metricQuery(server: Server, query: string): Promise<QueryResult> {
  const url = new URL('/api/v1/metrics/query', server.url);
  url.search = new URLSearchParams({ query, from: 'now-10m', to: 'now+1m', step: '1s' }).toString();
  const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as QueryResult;
}

describe('Prometheus remote write from a real Prometheus', () => {
  let server: Server;
  let prometheus: PrometheusProcess;
  before(async () => {
    server = await testServer();
    prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['127.0.0.1:{{PORT}}']
remote_write:
  - url: ${server.url}/api/v1/write
    authorization:
      credentials: ${TEST_ADMIN_TOKEN}
    queue_config:
      batch_send_deadline: 1s
`);
  });
  after(async () => {
    await prometheus?.stop();
    await server?.dispose();
  });

  it('stores the samples Prometheus scrapes, queryable through the metrics API', async () => {
    const up = await waitFor(
      'up{job="self"} to arrive in Birdseye',
      async () => {
        const result = await metricQuery(server, 'up{job="self"}');
        return result.series.length > 0 && result.series[0]!.points.length >= 2 ? result : undefined;
      },
      90_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nprometheus log:\n${prometheus.log().slice(-3000)}`);
    });
    assert.equal(up.series[0]!.labels.instance, `127.0.0.1:${prometheus.port}`);
    assert.ok(up.series[0]!.points.every(([, value]) => value === 1));
    // A real counter with labels of its own arrives too, not just the synthetic `up`.
    const requests = await metricQuery(server, 'prometheus_http_requests_total{handler="/metrics"}');
    assert.ok(requests.series.length > 0);
    assert.ok(requests.series[0]!.points.at(-1)![1] >= 1);
    assert.doesNotMatch(prometheus.log(), /non-recoverable error|status 4\d\d/i);
  });
});

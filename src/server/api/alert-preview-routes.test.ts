import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';
import type { PreviewResult } from '../alerting/preview.ts';

type Server = Awaited<ReturnType<typeof testServer>>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function post(
  server: Server,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/v1/alerts/rules/preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let seq = 0;
async function send(server: Server, batch: Record<string, unknown>): Promise<void> {
  seq += 1;
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      batch_id: `preview:${seq}`,
      agent_id: 'preview',
      seq,
      host: 'web-1',
      sent_ts: Date.now(),
      ...batch,
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

describe('POST /api/v1/alerts/rules/preview', () => {
  let server: Server;
  const now = Date.now();
  /** Two bursts of errors in the past day: 5 h and 2 h ago. */
  const bursts = [now - 5 * HOUR, now - 2 * HOUR];

  before(async () => {
    server = await testServer();
    const logs = bursts.flatMap((start) =>
      Array.from({ length: 20 }, (_, i) => ({
        ts: start + i * 1000,
        host: 'web-1',
        source: 'gateway',
        severity: 3,
        message: `payment failed: upstream timeout #${i}`,
      })),
    );
    // Load 1 on web-1 every minute for the last 3 h, above 4 between 90 and 60 minutes ago.
    const metrics = Array.from({ length: 180 }, (_, i) => {
      const ts = now - (180 - i) * MINUTE;
      return {
        name: 'node_load1',
        labels: { host: 'web-1' },
        value: ts > now - 90 * MINUTE && ts < now - 60 * MINUTE ? 6 : 1,
        ts,
      };
    });
    await send(server, { logs, metrics });
  });

  after(async () => {
    await server.dispose();
  });

  it('shows each burst of a log count rule as one firing, at the time it happened', async () => {
    const { status, body } = await post(server, {
      rule: { type: 'log_count', query: '"payment failed"', threshold: 10, window_ms: 600_000 },
      step: '5m',
    });
    assert.equal(status, 200, JSON.stringify(body));
    const result = body as unknown as PreviewResult;
    assert.equal(result.errors, 0);
    assert.equal(result.firings.length, 2, JSON.stringify(result.firings));
    for (const [i, firing] of result.firings.entries()) {
      const burst = bursts[i]!;
      assert.ok(
        firing.fired_at >= burst && firing.fired_at <= burst + 10 * MINUTE,
        `fired at ${firing.fired_at - burst} ms after the burst`,
      );
      assert.ok(firing.resolved_at !== null && firing.resolved_at <= burst + 20 * MINUTE);
      assert.equal(firing.labels.alertname, 'preview');
    }
    assert.equal(result.points.length, 289);
    assert.ok(result.points.some(([, firing]) => firing === 1));
  });

  it('honours for_ms and threshold rules read past metric values', async () => {
    const { status, body } = await post(server, {
      rule: {
        id: 'load',
        type: 'threshold',
        query: 'node_load1',
        comparison: '>',
        threshold: 4,
        for_ms: 600_000,
      },
      from: 'now-3h',
      step: '1m',
    });
    assert.equal(status, 200, JSON.stringify(body));
    const result = body as unknown as PreviewResult;
    assert.equal(result.firings.length, 1, JSON.stringify(result.firings));
    const firing = result.firings[0]!;
    assert.equal(firing.labels.host, 'web-1');
    assert.equal(firing.max_value, 6);
    // High from 90 min ago; pending for 10 minutes; firing until the load drops 60 min ago.
    const firedAgo = (now - firing.fired_at) / MINUTE;
    assert.ok(firedAgo <= 81 && firedAgo >= 78, `fired ${firedAgo} min ago`);
    assert.ok(firing.resolved_at !== null && Math.abs((now - firing.resolved_at) / MINUTE - 60) <= 2);
  });

  it('names the rule field that is wrong', async () => {
    const { status, body } = await post(server, {
      rule: { type: 'threshold', query: 'node_load1{', threshold: 1 },
    });
    assert.equal(status, 400);
    assert.match(JSON.stringify(body), /rule\.query/);
    assert.match(JSON.stringify(body), /rule\.comparison/);
  });

  it('refuses a preview that would take too many evaluations', async () => {
    const { status, body } = await post(server, {
      rule: { type: 'log_count', query: 'x', threshold: 1 },
      step: '1s',
    });
    assert.equal(status, 400);
    assert.match(JSON.stringify(body), /more than 600 evaluations/);
  });
});

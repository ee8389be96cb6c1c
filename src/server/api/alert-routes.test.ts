/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-explicit-any --
   Receiver payloads are untyped JSON checked field by field against the documented format. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/server.ts';
import { loadConfig } from '../../config/index.ts';
import { createLogger } from '../../core/logger.ts';
import { smtpReceiver, type Receiver } from '../alerting/notifiers/receivers.ts';
import { sleep, waitFor } from '../alerting/testing.ts';
import { startServer, type RunningServer } from '../server.ts';

const READ_TOKEN = 'test-read-token-0123456789';

/** A real server whose alerting config comes from a YAML file, as an operator would write it. */
async function start(dataDir: string, smtpPort: number): Promise<RunningServer> {
  const file = path.join(dataDir, 'birdseye.yaml');
  const alerting = {
    interval_ms: 200,
    default_rules: false,
    group_wait_ms: 0,
    group_interval_ms: 200,
    retry_initial_backoff_ms: 50,
    external_url: 'http://birdseye.test:8080',
    rules: [
      {
        id: 'high-load',
        name: 'HighLoad',
        type: 'threshold',
        query: 'node_load1',
        comparison: '>',
        threshold: 4,
        summary: 'Load {{value}} on {{host}}',
      },
    ],
    channels: {
      mail: {
        type: 'email',
        host: '127.0.0.1',
        port: smtpPort,
        from: 'birdseye@test',
        to: ['ops@test'],
        timeout_ms: 2000,
      },
    },
    routes: [{ matchers: ['severity=~"warning|critical"'], channels: ['mail'] }],
  };
  writeFileSync(file, stringify({ server: { alerting } }));
  const env = {
    BIRDSEYE_DATA_DIR: dataDir,
    BIRDSEYE_PORT: '0',
    BIRDSEYE_LISTEN_ADDRESS: '127.0.0.1',
    BIRDSEYE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  };
  const server = await startServer(loadConfig({ file, env }), createLogger('silent', 'json'));
  server.tokens.add(READ_TOKEN, { tenant: 'default', scopes: ['read'] }, 'reader');
  return server;
}

let seq = 0;
async function ingestLoad(server: RunningServer, value: number, ts: number): Promise<void> {
  seq += 1;
  const batch = {
    batch_id: `alert-test:${seq}`,
    agent_id: 'alert-test',
    seq,
    host: 'node-9',
    sent_ts: ts,
    metrics: [{ name: 'node_load1', labels: { host: 'node-9' }, value, ts }],
  };
  const res = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  assert.equal(res.status, 200);
}

async function call(
  server: RunningServer,
  method: string,
  route: string,
  token = TEST_ADMIN_TOKEN,
  body?: unknown,
) {
  const res = await fetch(`${server.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const subjects = (smtp: Receiver) => smtp.received.map((m) => /^Subject: (.*)$/m.exec(m.body)?.[1] ?? '');

describe('alerts end to end', { timeout: 30_000 }, () => {
  let smtp: Receiver;
  let server: RunningServer;
  let dataDir: string;
  before(async () => {
    smtp = await smtpReceiver();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-alerts-e2e-'));
    server = await start(dataDir, smtp.port);
  });
  after(async () => {
    await server.close();
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('mails a firing alert for a bad sample, not again after a restart, then the resolve', async () => {
    const highTs = Date.now();
    await ingestLoad(server, 9, highTs);
    await waitFor(() => smtp.received.length === 1, 5000, 'the firing email');
    assert.match(subjects(smtp)[0]!, /\[FIRING:1\] HighLoad on node-9/);
    assert.match(smtp.received[0]!.body, /Load 9 on node-9/);

    await server.close();
    server = await start(dataDir, smtp.port);
    await sleep(1000); // five evaluation intervals and group intervals
    assert.equal(smtp.received.length, 1, 'the restart sent nothing again');

    await ingestLoad(server, 1, Math.max(Date.now(), highTs + 1000));
    await waitFor(() => smtp.received.length === 2, 5000, 'the resolve email');
    assert.match(subjects(smtp)[1]!, /\[RESOLVED\] HighLoad/);
  });

  it('shows rules, alerts and the delivery history to a read token', async () => {
    const rules = await call(server, 'GET', '/api/v1/alerts/rules', READ_TOKEN);
    assert.deepEqual(
      rules.body.rules.map((r: { id: string }) => r.id),
      ['high-load'],
    );
    const resolved = await call(server, 'GET', '/api/v1/alerts?state=resolved', READ_TOKEN);
    assert.equal(resolved.body.alerts[0].labels.host, 'node-9');
    const history = await call(server, 'GET', '/api/v1/alerts/history', READ_TOKEN);
    const delivered = history.body.history.filter(
      (e: { kind: string; outcome: string }) => e.kind === 'notification' && e.outcome === 'delivered',
    );
    assert.deepEqual(
      delivered.map((e: { channel: string; detail: string }) => [e.channel, e.detail.split(':')[0]]),
      [
        ['mail', 'resolved'],
        ['mail', 'firing'],
      ],
    );
    const bad = await call(server, 'GET', '/api/v1/alerts?state=gone', READ_TOKEN);
    assert.equal(bad.status, 400);
  });

  it('creates, lists and expires silences with the admin scope only', async () => {
    const denied = await call(server, 'POST', '/api/v1/alerts/silences', READ_TOKEN, {
      matchers: ['host="node-9"'],
      duration_ms: 60_000,
    });
    assert.equal(denied.status, 403);
    const invalid = await call(server, 'POST', '/api/v1/alerts/silences', TEST_ADMIN_TOKEN, {
      matchers: ['host=~"("'],
      duration_ms: 60_000,
    });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.error.message, /matchers\[0\]: .*regular expression/);
    const created = await call(server, 'POST', '/api/v1/alerts/silences', TEST_ADMIN_TOKEN, {
      matchers: ['host="node-9"'],
      duration_ms: 60_000,
      comment: 'maintenance',
    });
    assert.equal(created.status, 201);
    const id = created.body.silence.id as string;
    const listed = await call(server, 'GET', '/api/v1/alerts/silences', READ_TOKEN);
    assert.deepEqual(
      listed.body.silences.map((s: { id: string; status: string }) => [s.id, s.status]),
      [[id, 'active']],
    );
    assert.equal((await call(server, 'DELETE', `/api/v1/alerts/silences/${id}`)).status, 200);
    const after = await call(server, 'GET', '/api/v1/alerts/silences', READ_TOKEN);
    assert.equal(after.body.silences[0].status, 'expired');
    assert.equal((await call(server, 'DELETE', '/api/v1/alerts/silences/nope')).status, 404);
  });

  it('test-sends to a channel and reports what the receiver said', async () => {
    const before = smtp.received.length;
    const res = await call(server, 'POST', '/api/v1/alerts/channels/mail/test');
    assert.deepEqual(res.body, { channel: 'mail', outcome: 'ok' });
    assert.equal(smtp.received.length, before + 1);
    assert.match(subjects(smtp).at(-1)!, /BirdseyeTest/);
    assert.equal((await call(server, 'POST', '/api/v1/alerts/channels/nope/test')).status, 404);
    assert.equal((await call(server, 'POST', '/api/v1/alerts/channels/mail/test', READ_TOKEN)).status, 403);
  });
});

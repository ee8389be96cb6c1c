/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-explicit-any --
   Receiver payloads are untyped JSON checked field by field against the documented format. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../model.ts';
import { channelSchema } from './channel-config.ts';
import type { Notification, Notifier } from './notifier.ts';
import { closedPort, httpReceiver, smtpReceiver, type Behaviour, type Receiver } from './receivers.ts';
import { createNotifier, NOTIFIERS } from './registry.ts';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const alert = (state: 'firing' | 'resolved'): Alert => ({
  fingerprint: 'a1b2c3d4e5f60718',
  tenant: 'default',
  rule_id: 'disk-filling',
  labels: { alertname: 'DiskFilling', severity: 'warning', host: 'node-1', mountpoint: '/' },
  summary: 'Filesystem / on node-1 has 4.0% space left',
  state,
  value: 0.04,
  active_since: NOW - 60_000,
  fired_at: NOW,
  resolved_at: state === 'resolved' ? NOW + 60_000 : null,
  updated_at: NOW,
  context: { baseline: 0.31, events: ['2026-01-05T10:00:00.000Z container die backup: exit 1'] },
});
const notification = (state: 'firing' | 'resolved'): Notification => ({
  status: state,
  channel: 'ops',
  group_key: '0:["DiskFilling","node-1"]',
  group_labels: { alertname: 'DiskFilling', host: 'node-1' },
  common_labels: alert(state).labels,
  alerts: [alert(state)],
  external_url: 'http://birdseye.local:8080',
  sent_at: NOW,
});

type Json = Record<string, any>;
const SECRET = 'webhook-secret-0123456789';

/** Per notifier: its receiver, its config, and the documented payload it must produce. */
interface Case {
  receiver(): Promise<Receiver>;
  config(target: { url: string; port: number }): Record<string, unknown>;
  check(received: Receiver['received'][number], state: 'firing' | 'resolved'): void;
}

const CASES: Record<keyof typeof NOTIFIERS, Case> = {
  email: {
    receiver: () => smtpReceiver(),
    config: ({ port }) => ({
      type: 'email',
      host: '127.0.0.1',
      port,
      from: 'birdseye@example.org',
      to: ['ops@example.org'],
    }),
    check({ headers, body: raw }, state) {
      // Quoted-printable soft line breaks and escapes, undone so the text reads as sent.
      const body = raw
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      assert.equal(headers.to, 'ops@example.org');
      assert.match(
        body,
        state === 'firing'
          ? /Subject: \[FIRING:1\] DiskFilling on node-1/
          : /Subject: \[RESOLVED\] DiskFilling/,
      );
      assert.match(body, /Content-Type: text\/plain/);
      assert.match(body, /Content-Type: text\/html/);
      assert.match(body, /Filesystem \/ on node-1 has 4.0% space left/);
    },
  },
  pagerduty: {
    receiver: async () => Object.assign(await httpReceiver(), { okStatus: 202 }),
    config: ({ url }) => ({ type: 'pagerduty', routing_key: 'R0UT1NGKEY0123456789', url }),
    check({ body }, state) {
      const event = JSON.parse(body) as Json;
      assert.equal(event.routing_key, 'R0UT1NGKEY0123456789');
      assert.equal(event.dedup_key, 'a1b2c3d4e5f60718');
      assert.equal(event.event_action, state === 'firing' ? 'trigger' : 'resolve');
      if (state === 'firing') {
        assert.match(event.payload.summary, /Filesystem \/ on node-1/);
        assert.equal(event.payload.source, 'node-1');
        assert.equal(event.payload.severity, 'warning');
        assert.ok(!Number.isNaN(Date.parse(event.payload.timestamp)));
      }
    },
  },
  slack: {
    receiver: () => httpReceiver(),
    config: ({ url }) => ({ type: 'slack', url }),
    check({ body }, state) {
      const msg = JSON.parse(body) as Json;
      assert.match(msg.text, state === 'firing' ? /\[FIRING:1\] DiskFilling/ : /\[RESOLVED\]/);
      assert.equal(msg.blocks[0].type, 'header');
      assert.equal(msg.blocks[1].text.type, 'mrkdwn');
      assert.match(
        msg.blocks[1].text.text,
        /<http:\/\/birdseye\.local:8080\/#\/logs\?q=host%3A%22node-1%22&from=\d+&to=\d+&alert=a1b2c3d4e5f60718\|Open in Birdseye>/,
      );
      assert.match(msg.blocks[1].text.text, /value 0\.0400 \(baseline 0\.310\)/);
      assert.match(msg.blocks[1].text.text, /container die backup: exit 1/);
    },
  },
  teams: {
    receiver: async () => Object.assign(await httpReceiver(), { okStatus: 202 }),
    config: ({ url }) => ({ type: 'teams', url }),
    check({ body }) {
      const msg = JSON.parse(body) as Json;
      assert.equal(msg.type, 'message');
      assert.equal(msg.attachments.length, 1);
      assert.equal(msg.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
      const card = msg.attachments[0].content as Json;
      assert.equal(card.type, 'AdaptiveCard');
      assert.match(card.version, /^1\.\d$/);
      assert.ok(card.body.every((b: Json) => b.type === 'TextBlock' && typeof b.text === 'string'));
      assert.equal(card.actions[0].type, 'Action.OpenUrl');
    },
  },
  webhook: {
    receiver: () => httpReceiver(),
    config: ({ url }) => ({ type: 'webhook', url, secret: SECRET }),
    check({ headers, body }, state) {
      const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      assert.equal(headers['x-birdseye-signature'], expected);
      const msg = JSON.parse(body) as Json;
      assert.equal(msg.version, '4');
      assert.equal(msg.status, state);
      assert.equal(msg.alerts[0].fingerprint, 'a1b2c3d4e5f60718');
      assert.equal(msg.alerts[0].status, state);
      assert.deepEqual(msg.groupLabels, { alertname: 'DiskFilling', host: 'node-1' });
      assert.equal(msg.alerts[0].baseline, 0.31);
      assert.deepEqual(msg.alerts[0].related_events, [
        '2026-01-05T10:00:00.000Z container die backup: exit 1',
      ]);
      const link = new URL(msg.alerts[0].generatorURL);
      const params = new URLSearchParams(link.hash.slice('#/logs?'.length));
      assert.equal(params.get('q'), 'host:"node-1"');
      assert.equal(Number(params.get('from')), NOW - 60_000 - 15 * 60_000);
    },
  },
};

/** The same retry table for every notifier: what the receiver does → what the pipeline is told. */
const RETRY_TABLE: Array<{ behaviour: Behaviour | 'refused'; outcome: string; retry_after_ms?: number }> = [
  { behaviour: 'ok', outcome: 'ok' },
  { behaviour: 'throttle', outcome: 'retryable', retry_after_ms: 2000 },
  { behaviour: 'unavailable', outcome: 'retryable' },
  { behaviour: 'hang', outcome: 'retryable' },
  { behaviour: 'refused', outcome: 'retryable' },
  { behaviour: 'reject', outcome: 'failed' },
];

for (const [type, c] of Object.entries(CASES)) {
  describe(`notifier ${type}`, { timeout: 20_000 }, () => {
    let receiver: Receiver;
    let notifier: Notifier;
    before(async () => {
      receiver = await c.receiver();
      // Generous for answering receivers (a loaded machine is slow to greet); short only where the
      // test waits for the timeout itself.
      notifier = createNotifier('ops', channelSchema.parse({ ...c.config(receiver), timeout_ms: 5_000 }));
    });
    after(async () => {
      await notifier.close();
      await receiver.close();
    });

    it('delivers the documented payload for firing and resolved', async () => {
      for (const state of ['firing', 'resolved'] as const) {
        receiver.behaviour = 'ok';
        receiver.received.length = 0;
        assert.deepEqual(await notifier.send(notification(state)), { outcome: 'ok' });
        assert.equal(receiver.received.length, 1);
        c.check(receiver.received[0]!, state);
      }
    });

    for (const row of RETRY_TABLE) {
      it(`reports ${row.outcome} when the receiver is ${row.behaviour}`, async () => {
        let target: Notifier = notifier;
        if (row.behaviour === 'refused') {
          const port = await closedPort();
          target = createNotifier(
            'ops',
            channelSchema.parse({
              ...c.config({ url: `http://127.0.0.1:${port}/hook`, port }),
              timeout_ms: 300,
            }),
          );
        } else {
          receiver.behaviour = row.behaviour;
          if (row.behaviour === 'hang')
            target = createNotifier('ops', channelSchema.parse({ ...c.config(receiver), timeout_ms: 300 }));
        }
        const result = await target.send(notification('firing'));
        if (target !== notifier) await target.close();
        assert.equal(result.outcome, row.outcome, JSON.stringify(result));
        // SMTP has no Retry-After; every HTTP notifier passes the receiver's on.
        if (row.retry_after_ms && type !== 'email')
          assert.equal('retry_after_ms' in result && result.retry_after_ms, row.retry_after_ms);
      });
    }
  });
}

describe('notifier secrets', () => {
  it('never put a secret into a failure reason', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/services/T000/B000/XXXXSECRETXXXX`;
    const slack = createNotifier('s', channelSchema.parse({ type: 'slack', url, timeout_ms: 300 }));
    const result = await slack.send(notification('firing'));
    await slack.close();
    assert.equal(result.outcome, 'retryable');
    assert.doesNotMatch(JSON.stringify(result), /XXXXSECRETXXXX/);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { after, describe, it } from 'node:test';
import { freePort, selfSignedCert, sendTcp } from '../../../../test/helpers/net.ts';
import { createLogger } from '../../../core/logger.ts';
import { Telemetry } from '../../../core/telemetry.ts';
import type { LogRecord } from '../../../model/index.ts';
import type { Pipeline } from '../../pipeline.ts';
import { openTestPipeline } from '../../testing.ts';
import { MemorySink } from '../../sinks/memory/memory-sink.ts';
import type { Source } from '../source.ts';
import { gatewaySchema, gatewaySources, type GatewayConfig } from './index.ts';

const log = createLogger('silent', 'json');
const JOURNAL = readFileSync(
  new URL('../../../../test/fixtures/parse/journal-json/local-entries.jsonl', import.meta.url),
  'utf8',
);

interface Harness {
  sink: MemorySink;
  telemetry: Telemetry;
  pipeline: Pipeline;
  sources: Source[];
  logs(): LogRecord[];
}

const running: Harness[] = [];
after(async () => {
  for (const h of running) {
    await Promise.all(h.sources.map((s) => s.stop()));
    await h.pipeline.stop(1000);
  }
});

/** The real gateway and pipeline, shipping into an in-memory sink. */
async function gateway(
  config: Record<string, unknown>,
  pipelineOptions: { maxQueueEvents?: number; sink?: MemorySink } = {},
): Promise<Harness> {
  const telemetry = new Telemetry();
  const sink = pipelineOptions.sink ?? new MemorySink();
  const pipeline = await openTestPipeline(sink, {
    telemetry,
    hostName: 'gw-host',
    maxQueueEvents: pipelineOptions.maxQueueEvents ?? 100_000,
    batchMaxEvents: 1000,
    batchMaxWaitMs: 10,
  });
  const parsed: GatewayConfig = gatewaySchema.parse({ bind_address: '127.0.0.1', ...config });
  const sources = gatewaySources(parsed, { hostName: 'gw-host', log, stateDir: '/nonexistent', telemetry });
  for (const source of sources) source.start(pipeline.emitFor(source.id), pipeline.flow(source.id));
  await Promise.all(sources.map((s) => s.ready?.() ?? Promise.resolve()));
  const h = { sink, telemetry, pipeline, sources, logs: () => sink.delivered.flatMap((b) => b.logs) };
  running.push(h);
  return h;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('gateway over TCP', () => {
  it('takes `journalctl -o json` output and keeps a half line left at disconnect', async () => {
    const port = await freePort();
    const h = await gateway({ port });
    const lines = JOURNAL.trimEnd().split('\n');
    await sendTcp(port, `${JOURNAL.trimEnd()}\nlast words without newline`);
    await until(() => h.logs().length === lines.length + 1, 'every line');
    const logs = h.logs();
    assert.ok(logs.slice(0, -1).every((r) => r.format === 'journal-json' && r.source === 'gateway'));
    const first = JSON.parse(lines[0]!) as { __REALTIME_TIMESTAMP: string; __CURSOR: string };
    const record = logs.find((r) => r.fields?.__CURSOR === first.__CURSOR);
    assert.equal(record?.ts, Number(first.__REALTIME_TIMESTAMP) / 1000);
    assert.deepEqual(logs.at(-1)!.message, 'last words without newline');
    assert.equal(logs.at(-1)!.host, 'gw-host');
    const metrics = h.telemetry.render();
    assert.match(
      metrics,
      new RegExp(
        `gateway_parsed_lines_total\\{listener="gateway:tcp:${port}",format="journal-json"\\} ${lines.length}`,
      ),
    );
  });

  it('takes octet-counted syslog (RFC 6587) and keeps structured data', async () => {
    const port = await freePort();
    const h = await gateway({ port });
    const messages = [
      '<165>1 2026-11-25T08:00:00.5Z web01 nginx 42 - [req@1 id="a"] GET /',
      '<14>1 2026-11-25T08:00:01Z web01 app - - - second\nwith newline',
    ];
    await sendTcp(port, messages.map((m) => `${Buffer.byteLength(m)} ${m}`).join(''));
    await until(() => h.logs().length === 2, 'two syslog messages');
    const [a, b] = h.logs();
    assert.equal(a!.ts, Date.UTC(2026, 10, 25, 8, 0, 0, 500));
    assert.equal(a!.host, 'web01');
    assert.deepEqual((a!.fields as { structured_data: unknown }).structured_data, { 'req@1': { id: 'a' } });
    assert.equal(b!.message, 'second\nwith newline');
  });

  it('joins a Java stack trace into one record and flushes it after the timeout while the client stays connected', async () => {
    const port = await freePort();
    const h = await gateway({ port, multiline: { flush_timeout_ms: 100 } });
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      [
        '2026-11-25 08:00:00 ERROR request failed',
        'java.lang.IllegalStateException: boom',
        '\tat com.example.Handler.handle(Handler.java:42)',
        '\tat com.example.Server.run(Server.java:7)',
        '',
      ].join('\n'),
    );
    await until(() => h.logs().length === 1, 'the joined trace');
    assert.match(
      h.logs()[0]!.message,
      /request failed\njava\.lang\.IllegalStateException: boom\n\tat com\.example\.Handler/,
    );
    socket.end();
  });

  it('never drops under backpressure: a full pipeline pauses the connection instead', async () => {
    const port = await freePort();
    let open = false;
    const sink = new MemorySink(() =>
      open ? { outcome: 'ok' } : { outcome: 'retryable', reason: 'slow server' },
    );
    const h = await gateway({ port, multiline: { enabled: false } }, { maxQueueEvents: 200, sink });
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const sent = sendTcp(port, lines.join('\n') + '\n');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(h.pipeline.backlog <= 200, `backlog ${h.pipeline.backlog}`);
    open = true;
    await sent;
    await until(() => h.logs().length === 5000, 'all 5000 lines', 20_000);
    assert.deepEqual(
      h.logs().map((r) => r.message),
      lines,
    );
    assert.doesNotMatch(h.telemetry.render(), /component_discarded_events_total/);
  });

  it('refuses connections past max_connections and counts them', async () => {
    const port = await freePort();
    const h = await gateway({ port, max_connections: 1 });
    const first = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => first.once('connect', resolve));
    await new Promise((r) => setTimeout(r, 50));
    const second = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => second.once('close', resolve));
    assert.match(h.telemetry.render(), /component_errors_total\{[^}]*error_type="max_connections"\} 1/);
    first.end('still served\n');
    await until(() => h.logs().length === 1, 'the first connection');
  });

  it('says which setting to change when the port is taken', async () => {
    const port = await freePort();
    const blocker = net.createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    await assert.rejects(
      gateway({ port }),
      /gateway cannot listen on tcp 127\.0\.0\.1:\d+: the port is in use by another program; choose another with --gateway-port/,
    );
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('survives random bytes and keeps one record per line', async () => {
    const port = await freePort();
    const h = await gateway({ port, multiline: { enabled: false }, max_line_bytes: 1024 });
    let expected = 0;
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let conn = 0; conn < 20; conn++) {
      const lines: Buffer[] = [];
      for (let i = 0; i < 50; i++) {
        const bytes = Buffer.from(
          Array.from({ length: Math.floor(random() * 3000) }, () => Math.floor(random() * 256)),
        );
        // Newlines inside the random bytes start new lines too; count what the sender really sent.
        lines.push(Buffer.concat([bytes.map((b) => (b === 0x0a ? 0x20 : b)), Buffer.from('\n')]));
      }
      expected += lines.length;
      await sendTcp(port, Buffer.concat(lines));
    }
    await until(() => h.logs().length === expected, `${expected} records`);
    assert.ok(h.logs().some((r) => r.truncated));
  });
});

describe('gateway over TLS and UDP', () => {
  it('serves TLS with the configured certificate', async () => {
    const port = await freePort();
    const { certFile, keyFile, cert } = selfSignedCert();
    const h = await gateway({ port, tls: { cert_file: certFile, key_file: keyFile } });
    assert.match(h.sources[0]!.describe!(), /^tls:\/\//);
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ port, host: '127.0.0.1', ca: cert, servername: 'localhost' }, () =>
        socket.end('level=info msg="over tls" user=alice\n'),
      );
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await until(() => h.logs().length === 1, 'the TLS line');
    assert.equal(h.logs()[0]!.message, 'over tls');
    assert.equal((h.logs()[0]!.fields as { user: string }).user, 'alice');
  });

  it('rejects a TLS config whose files cannot be read, naming the key', async () => {
    const port = await freePort();
    await assert.rejects(
      gateway({ port, tls: { cert_file: '/nonexistent/cert.pem', key_file: '/nonexistent/key.pem' } }),
      /tls\.cert_file: cannot read \/nonexistent\/cert\.pem/,
    );
  });

  it('takes one message per UDP datagram', async () => {
    const udpPort = await freePort();
    const h = await gateway({ port: 0, udp_port: udpPort });
    const client = dgram.createSocket('udp4');
    for (const message of ['<13>Nov 25 08:00:00 host1 app[7]: first', '{"level":"warn","msg":"second"}']) {
      await new Promise<void>((resolve, reject) =>
        client.send(message, udpPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
    }
    client.close();
    await until(() => h.logs().length === 2, 'two datagrams');
    assert.deepEqual(
      h.logs().map((r) => [r.format, r.message, r.severity]),
      [
        ['rfc3164', 'first', 5],
        ['json', 'second', 4],
      ],
    );
  });

  it('gives each listener its own token, so records can go to another tenant', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const h = await gateway({ port: a, listeners: [{ name: 'billing', port: b, token: 'billing-token' }] });
    assert.deepEqual(
      h.sources.map((s) => [s.id, s.token]),
      [
        [`gateway:tcp:${a}`, undefined],
        [`gateway:billing:${b}`, 'billing-token'],
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../../core/logger.ts';
import { componentCounters, Telemetry } from '../../../core/telemetry.ts';
import type { IngestBatch, LogRecord } from '../../../model/index.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../../../../test/helpers/server.ts';
import { encodeBatch } from '../../encoded-batch.ts';
import { elasticsearchSinkSchema } from './config.ts';
import { ElasticsearchSink } from './elasticsearch-sink.ts';

const NOW = Date.now();

function batch(id: string, messages: string[]): IngestBatch {
  const logs: LogRecord[] = messages.map((message, i) => ({
    ts: NOW - 1000 + i,
    host: 'node-3',
    source: 'journald',
    service: 'sshd.service',
    severity: 3,
    message,
    fields: { pid: 42 + i },
  }));
  return { batch_id: id, agent_id: 'a', seq: 1, host: 'node-3', sent_ts: NOW, metrics: [], logs, events: [] };
}

function sinkFor(url: string, extra: Record<string, unknown> = {}) {
  const telemetry = new Telemetry();
  const logged = new PassThrough();
  let logText = '';
  logged.on('data', (chunk: Buffer) => (logText += chunk.toString()));
  const sink = new ElasticsearchSink({
    config: elasticsearchSinkSchema.parse({ url, ...extra }),
    token: TEST_ADMIN_TOKEN,
    counters: componentCounters(telemetry, 'sink', 'es'),
    log: createLogger('info', 'json', logged),
  });
  return { sink, telemetry, logText: () => logText };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += (chunk as Buffer).toString();
  return body;
}

describe('elasticsearch sink → Birdseye _bulk', () => {
  let server: Awaited<ReturnType<typeof testServer>>;
  before(async () => {
    server = await testServer();
  });
  after(async () => server.dispose());

  it('delivers log records that come out with their host, service, severity and fields', async () => {
    const { sink } = sinkFor(server.url);
    const result = await sink.send(
      await encodeBatch(batch('a:1', ['Failed password for root', 'Accepted key'])),
    );
    assert.deepEqual(result, { outcome: 'ok' });
    const url = new URL('/api/v1/logs/search', server.url);
    url.search = new URLSearchParams({ q: '"Failed password"', from: 'now-1h', to: 'now+1h' }).toString();
    const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const { records } = (await response.json()) as { records: Array<LogRecord & { id: string }> };
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record!.host, 'node-3');
    assert.equal(record!.service, 'sshd.service');
    assert.equal(record!.severity, 3);
    assert.equal(record!.ts, NOW - 1000);
    assert.deepEqual(record!.fields, { source: 'journald', pid: 42 });
    await sink.close();
  });
});

describe('elasticsearch sink against a receiver with per-item errors', () => {
  let receiver: Server;
  let url: string;
  let version = '7.17.0';
  let probes = 0;
  const bulks: Array<{ actions: Array<Record<string, Record<string, string>>>; messages: string[] }> = [];
  before(async () => {
    receiver = createServer((request, response) => {
      void (async () => {
        const body = await readBody(request);
        response.setHeader('content-type', 'application/json');
        if (request.method === 'GET' && request.url === '/') {
          probes++;
          response.end(JSON.stringify({ version: { number: version } }));
          return;
        }
        const lines = body.trim().split('\n');
        const actions = lines
          .filter((_, i) => i % 2 === 0)
          .map((l) => JSON.parse(l) as Record<string, Record<string, string>>);
        const messages = lines
          .filter((_, i) => i % 2 === 1)
          .map((l) => (JSON.parse(l) as { message: string }).message);
        bulks.push({ actions, messages });
        // First attempt: busy-* items are throttled, bad-* rejected; every later attempt succeeds.
        const first = bulks.length === 1;
        const items = messages.map((message, i) => {
          const meta = { _index: actions[i]!.create!._index, _id: actions[i]!.create!._id };
          if (first && message.startsWith('busy'))
            return {
              create: {
                ...meta,
                status: 429,
                error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
              },
            };
          if (message.startsWith('bad'))
            return {
              create: {
                ...meta,
                status: 400,
                error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [pid]' },
              },
            };
          return { create: { ...meta, status: 201, result: 'created' } };
        });
        response.end(JSON.stringify({ took: 1, errors: true, items }));
      })();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('resends only the throttled items, and counts and logs the rejected ones with the reason', async () => {
    bulks.length = 0;
    const { sink, telemetry, logText } = sinkFor(url, { index: 'logs-birdseye' });
    const encoded = await encodeBatch(batch('a:7', ['ok-0', 'busy-1', 'bad-2', 'ok-3', 'busy-4']));
    const first = await sink.send(encoded);
    assert.equal(first.outcome, 'retryable');
    assert.match((first as { reason: string }).reason, /2 of 5 items: 429/);
    const second = await sink.send(encoded);
    assert.deepEqual(second, { outcome: 'ok' });
    assert.deepEqual(bulks[1]!.messages, ['busy-1', 'busy-4']);
    assert.deepEqual(
      bulks[1]!.actions.map((a) => a.create!._id),
      ['a:7:1', 'a:7:4'],
    );
    assert.equal(bulks[0]!.actions[0]!.create!._index, 'logs-birdseye');
    assert.equal(
      telemetry.get('component_discarded_events_total', {
        component_kind: 'sink',
        component_id: 'es',
        reason: 'rejected',
      }),
      1,
    );
    assert.match(logText(), /failed to parse field \[pid\]/);
    await sink.close();
  });

  it('sends _type only to Elasticsearch before 7, asking the version once', async () => {
    bulks.length = 0;
    version = '6.8.23';
    probes = 0;
    const old = sinkFor(url);
    await old.sink.send(await encodeBatch(batch('b:1', ['ok-old'])));
    await old.sink.send(await encodeBatch(batch('b:2', ['ok-old-again'])));
    assert.equal(bulks[0]!.actions[0]!.create!._type, '_doc');
    assert.equal(probes, 1);
    assert.equal(bulks[0]!.actions[0]!.create!._index, TEST_ADMIN_TOKEN, 'the token is the default index');
    version = '8.11.0';
    const current = sinkFor(url);
    await current.sink.send(await encodeBatch(batch('b:3', ['ok-new'])));
    assert.equal(bulks[2]!.actions[0]!.create!._type, undefined);
    await old.sink.close();
    await current.sink.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';
import type { LogRecord } from '../../model/index.ts';
import { ingest } from './test-client.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
const OTHER_TOKEN = 'other-tenant-token-0123456789';

/** Reads a server-sent event stream until `done` says it has seen enough (or the time runs out). */
async function readStream(
  response: Response,
  done: (text: string) => boolean,
  timeoutMs = 5000,
): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!done(text) && Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<undefined>((resolve) => setTimeout(resolve, deadline - Date.now())),
      ]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  return text;
}

function dataLines(text: string): LogRecord[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as LogRecord);
}

describe('live tail', () => {
  let server: Server;
  before(async () => {
    server = await testServer();
    server.tokens.add(OTHER_TOKEN, { tenant: 'other', scopes: ['ingest', 'read'] }, 'other tenant');
  });
  after(async () => server.dispose());

  const open = (q: string, extra = '') =>
    fetch(`${server.url}/api/v1/logs/tail?q=${encodeURIComponent(q)}${extra}`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });

  it('pushes each new matching record once, and nothing else', async () => {
    const response = await open('severity:<=3 AND fields.status:500');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const now = Date.now();
    const reading = readStream(response, (t) => t.includes('last one'));
    const logs: LogRecord[] = [
      { ts: now, host: 'node-1', source: 'docker', message: 'boom', severity: 3, fields: { status: 500 } },
      { ts: now, host: 'node-1', source: 'docker', message: 'fine', severity: 6, fields: { status: 500 } },
    ];
    // The stream is subscribed once its first bytes arrive; give the request a moment to land.
    await new Promise((r) => setTimeout(r, 100));
    await ingest(server, OTHER_TOKEN, { logs: [{ ...logs[0]!, message: 'other tenant' }] }, 'agent-other');
    const batch = await ingest(server, TEST_ADMIN_TOKEN, { logs }, 'agent-tail');
    // A resent batch is a duplicate and must not be pushed again.
    await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        batch_id: batch.batch_id,
        agent_id: 'agent-tail',
        seq: Number(String(batch.batch_id).split(':')[1]),
        host: 'node-1',
        sent_ts: now,
        logs,
      }),
    });
    await ingest(server, TEST_ADMIN_TOKEN, {
      logs: [{ ...logs[0]!, message: 'last one' }],
    });
    const text = await reading;
    assert.deepEqual(
      dataLines(text).map((r) => r.message),
      ['boom', 'last one'],
    );
    assert.match(text, /^id: \S+$/m);
  });

  it('sends heartbeat comments while idle', async () => {
    const response = await open('', '&heartbeat_ms=1000');
    const text = await readStream(response, (t) => t.includes(': heartbeat'), 4000);
    assert.match(text, /^: heartbeat$/m);
  });

  it('answers a bad query with an ordinary 400 before streaming', async () => {
    const response = await open('a AND (');
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'BE_QUERY_INVALID');
    assert.match(body.error.message, /^query position 8:/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sendTcp } from '../helpers/net.ts';
import { startRsyslog, type RsyslogProcess } from '../helpers/rsyslog.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/system-part.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
type Found = Array<{
  message: string;
  host: string;
  service?: string;
  severity?: number;
  fields?: Record<string, unknown>;
}>;

async function search(server: Server, q: string): Promise<Found> {
  const url = new URL('/api/v1/logs/search', server.url);
  url.search = new URLSearchParams({
    q,
    from: 'now-1d',
    to: 'now+1d',
    limit: '1000',
    order: 'oldest',
  }).toString();
  const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  assert.equal(response.status, 200);
  return ((await response.json()) as { records: Found }).records;
}

const N = 200;

/** Now as an RFC 3164 timestamp (`Dec  2 10:00:00`, local time as rsyslog reads it): lines from a
 * fixed day would fall out of the searched range as the calendar moves on. */
function syslogNow(): string {
  const now = new Date();
  const month = now.toLocaleString('en-US', { month: 'short' });
  const clock = [now.getHours(), now.getMinutes(), now.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return `${month} ${String(now.getDate()).padStart(2, ' ')} ${clock}`;
}

/** JSON documents with the fields rsyslog users usually send (as in rsyslog's own ES examples). */
const TEMPLATE = `
template(name="birdseye-json" type="list" option.jsonf="on") {
  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="severity" name="syslogseverity-text" format="jsonf")
  property(outname="facility" name="syslogfacility-text" format="jsonf")
  property(outname="programname" name="programname" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
}`;

describe('rsyslog omelasticsearch → Birdseye _bulk', () => {
  let server: Server;
  let rsyslog: RsyslogProcess;
  before(async () => {
    server = await testServer();
    const { port } = new URL(server.url);
    // The token goes in as the index name, Logsene-style: rsyslog needs no credentials of its own.
    rsyslog = await startRsyslog({
      modules: ['omelasticsearch'],
      preamble: TEMPLATE,
      rules: `
  action(type="omelasticsearch" server="127.0.0.1" serverport="${port}" template="birdseye-json"
         searchIndex="${TEST_ADMIN_TOKEN}" bulkmode="on" errorfile="{{DIR}}/es-errors.json"
         queue.type="linkedlist" queue.dequeuebatchsize="50" action.resumeretrycount="-1")`,
    });
  });
  after(async () => {
    await rsyslog?.stop();
    await server?.dispose();
  });

  it('delivers every forwarded line once, with host, program and severity', async () => {
    const lines = Array.from(
      { length: N },
      (_, i) =>
        `<11>${syslogNow()} web-7 shop[42]: rsyslog-line ${String(i).padStart(4, '0')} checkout failed\n`,
    );
    await sendTcp(rsyslog.tcpPort, lines.join(''));
    const found = await waitFor(
      `${N} lines from rsyslog`,
      async () => {
        const records = await search(server, '"checkout failed"');
        return records.length >= N ? records : undefined;
      },
      60_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nrsyslogd log:\n${rsyslog.log().slice(-3000)}`);
    });
    assert.equal(found.length, N);
    const numbers = new Set(found.map((r) => /rsyslog-line (\d+)/.exec(r.message)?.[1]));
    assert.equal(numbers.size, N);
    assert.equal(found[0]!.host, 'web-7');
    assert.equal(found[0]!.service, 'shop');
    assert.equal(found[0]!.severity, 3);
  });
});

describe('rsyslog omelasticsearch with writeoperation="create" and a uuid _id → Birdseye _bulk', () => {
  let server: Server;
  let rsyslog: RsyslogProcess;
  before(async () => {
    server = await testServer();
    const { port } = new URL(server.url);
    // rsyslog's recipe for resend-safe delivery: each message's uuid as its _id, and `create`.
    rsyslog = await startRsyslog({
      modules: ['omelasticsearch'],
      preamble: `${TEMPLATE}\ntemplate(name="birdseye-id" type="string" string="%uuid%")`,
      rules: `
  action(type="omelasticsearch" server="127.0.0.1" serverport="${port}" template="birdseye-json"
         searchIndex="${TEST_ADMIN_TOKEN}" bulkmode="on" bulkid="birdseye-id" dynbulkid="on"
         writeoperation="create" errorfile="{{DIR}}/es-errors.json"
         queue.type="linkedlist" queue.dequeuebatchsize="50" action.resumeretrycount="-1")`,
    });
  });
  after(async () => {
    await rsyslog?.stop();
    await server?.dispose();
  });

  it('accepts its create items with uuid _ids and stores every line once', async () => {
    const lines = Array.from(
      { length: 50 },
      (_, i) => `<14>${syslogNow()} web-8 shop[42]: idempotent-line ${String(i).padStart(4, '0')} paid\n`,
    );
    await sendTcp(rsyslog.tcpPort, lines.join(''));
    const found = await waitFor(
      '50 lines from rsyslog',
      async () => {
        const records = await search(server, 'idempotent-line');
        return records.length >= 50 ? records : undefined;
      },
      60_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nrsyslogd log:\n${rsyslog.log().slice(-3000)}`);
    });
    assert.equal(found.length, 50);
    assert.equal(new Set(found.map((r) => r.message)).size, 50);
  });
});

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { freePort, sendTcp } from '../helpers/net.ts';

interface Series {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

const query = (base: string, q: string) =>
  `${base}/api/v1/metrics/query?query=${encodeURIComponent(q)}&from=now-5m&to=now`;

async function points(proc: BirdseyeProcess, q: string, min: number): Promise<Series[]> {
  return eventually(
    async () => {
      const { status, body } = await getJson<{ series: Series[] }>(query(proc.url, q), proc.adminToken());
      assert.equal(status, 200);
      const total = body.series.reduce((n, s) => n + s.points.length, 0);
      return total >= min ? body.series : undefined;
    },
    20_000,
    `${min} points of ${q}`,
  );
}

describe('birdseye up (all in one)', () => {
  const procs: BirdseyeProcess[] = [];
  after(async () => {
    // Newest first: the second process shares the first one's data dir.
    for (const p of procs.reverse()) await p.cleanup();
  });

  it("collects this host's CPU and memory and serves them through the API", async () => {
    const up = await startBirdseye('up', { args: ['--interval-ms', '1000'] });
    procs.push(up);
    const out = up.stdout();
    assert.match(out, /UI {9}http:\/\/localhost:\d+\/#token=bes_/);
    assert.match(
      out,
      new RegExp(`Data {7}${up.dataDir.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')} \\(sqlite\\)`),
    );
    assert.match(out, /(found|not found) +docker/);
    assert.match(out, /(found|not found) +journald/);
    assert.equal(statSync(path.join(up.dataDir, 'admin-token')).mode & 0o777, 0o600);

    const { body: hosts } = await eventually(
      async () => {
        const res = await getJson<{ hosts: Array<{ host: string; status: string }> }>(
          `${up.url}/api/v1/hosts`,
          up.adminToken(),
        );
        return res.body.hosts.length > 0 ? res : undefined;
      },
      20_000,
      'the host to report',
    );
    assert.deepEqual(
      hosts.hosts.map((h) => [h.host, h.status]),
      [[os.hostname(), 'up']],
    );

    const cpu = await points(up, `node_cpu_usage_percent{host="${os.hostname()}"}`, 2);
    for (const [, value] of cpu[0]!.points) assert.ok(value >= 0 && value <= 100, `cpu ${value}`);
    const [mem] = await points(up, 'node_memory_MemTotal_bytes', 1);
    const total = mem!.points[0]![1];
    assert.ok(
      Math.abs(total - os.totalmem()) / os.totalmem() < 0.05,
      `MemTotal ${total} vs ${os.totalmem()}`,
    );

    const names = await getJson<{ names: string[] }>(`${up.url}/api/v1/metrics/names`, up.adminToken());
    for (const name of ['node_cpu_seconds_total', 'node_load1', 'node_memory_MemAvailable_bytes']) {
      assert.ok(names.body.names.includes(name), `${name} missing from ${names.body.names.join(', ')}`);
    }
    const metrics = await (await fetch(`${up.url}/metrics`)).text();
    assert.match(
      metrics,
      /component_sent_events_total\{component_kind="sink",component_id="birdseye:[^"]+"\} [1-9]/,
    );
    assert.match(metrics, /agent_queue_events\{pipeline="default"\} \d+/);
  });

  it('refuses to read without a token', async () => {
    const up = procs[0]!;
    const res = await fetch(`${up.url}/api/v1/hosts`);
    assert.equal(res.status, 401);
    const bad = await fetch(query(up.url, 'node_load1{'), {
      headers: { authorization: `Bearer ${up.adminToken()}` },
    });
    assert.equal(bad.status, 400);
    assert.match(
      ((await bad.json()) as { error: { message: string } }).error.message,
      /position \d+: expected/,
    );
  });

  it('exits cleanly on SIGTERM and resumes on the same data dir without re-creating the token', async () => {
    const first = procs[0]!;
    const token = first.adminToken();
    const samplesBefore = (await points(first, 'node_load1', 1)).reduce((n, s) => n + s.points.length, 0);
    assert.equal(await first.stop('SIGTERM'), 0);
    assert.match(first.stderr(), /"msg":"agent stopped"/);
    assert.match(first.stderr(), /"msg":"server stopped"/);

    const again = await startBirdseye('up', { dataDir: first.dataDir, args: ['--interval-ms', '1000'] });
    procs.push(again);
    assert.equal(again.adminToken(), token);
    assert.match(again.stdout(), /sign in with .*admin-token/);
    assert.doesNotMatch(again.stdout(), /#token=/);
    await points(again, 'node_load1', samplesBefore + 2);
  });
});

describe('birdseye server and birdseye agent apart', () => {
  const procs: BirdseyeProcess[] = [];
  after(async () => {
    for (const p of procs) await p.cleanup();
  });

  it('an agent with --server and --token ships to a separate server', async () => {
    const server = await startBirdseye('server');
    procs.push(server);
    const agent = await startBirdseye('agent', {
      args: [
        '--server',
        server.url,
        '--token',
        server.adminToken(),
        '--host-name',
        'edge-7',
        '--interval-ms',
        '1000',
        '--agent-port',
        '0',
      ],
    });
    procs.push(agent);
    assert.match(agent.stdout(), /host "edge-7" shipping to http:\/\/127\.0\.0\.1:\d+/);
    const series = await points(server, 'node_load1{host="edge-7"}', 1);
    assert.equal(series[0]!.labels.host, 'edge-7');
  });

  it('an agent without a token says how to get one', async () => {
    await assert.rejects(
      startBirdseye('agent', { args: ['--server', 'http://127.0.0.1:1'] }),
      /agent\.token is not set: pass --token TOKEN .*admin-token/,
    );
  });

  it('a bad flag value names the flag', async () => {
    await assert.rejects(
      startBirdseye('server', { args: ['--port', 'x'] }),
      /--port: "x" is not a whole number/,
    );
  });
});

describe('birdseye up: the log gateway', () => {
  let up: BirdseyeProcess | undefined;
  after(async () => up?.cleanup());

  it('`journalctl -o json | nc localhost PORT` lines become searchable records', async () => {
    const port = await freePort();
    up = await startBirdseye('up', { args: ['--gateway-port', String(port)] });
    assert.match(
      up.stdout(),
      new RegExp(
        `Gateway {4}tcp://0\\.0\\.0\\.0:${port}\\n {13}try: journalctl -o json -n 10 \\| nc localhost ${port}`,
      ),
    );
    const marker = `gateway-check-${process.pid}`;
    const entry = {
      __CURSOR: 's=1;i=1',
      __REALTIME_TIMESTAMP: '1764072000123456',
      _HOSTNAME: 'journal-host',
      SYSLOG_IDENTIFIER: 'billing',
      PRIORITY: '3',
      MESSAGE: `payment failed ${marker}`,
    };
    await sendTcp(port, `${JSON.stringify(entry)}\nplain ${marker} without newline`);
    const proc = up;
    const { body } = await eventually(
      async () => {
        const res = await getJson<{ records: Array<Record<string, unknown>> }>(
          `${proc.url}/api/v1/logs/search?q=${marker}&from=0&to=now&order=oldest`,
          proc.adminToken(),
        );
        return res.body.records.length === 2 ? res : undefined;
      },
      20_000,
      'both lines to be searchable',
    );
    const [journal, plain] = body.records;
    assert.equal(journal!.ts, 1_764_072_000_123.456);
    assert.equal(journal!.host, 'journal-host');
    assert.equal(journal!.service, 'billing');
    assert.equal(journal!.severity, 3);
    assert.equal(journal!.format, 'journal-json');
    assert.equal(plain!.message, `plain ${marker} without newline`);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { VERSION } from '../../src/version.ts';
import {
  eventually,
  getJson,
  REPO_ROOT,
  startBirdseye,
  type BirdseyeProcess,
} from '../helpers/birdseye-process.ts';
import { freePort, sendTcp } from '../helpers/net.ts';

const run = promisify(execFile);

function birdseye(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return run(process.execPath, ['bin/birdseye.js', ...args], { cwd: REPO_ROOT }).then(
    ({ stdout, stderr }) => ({ stdout, stderr, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => ({
      stdout: error.stdout,
      stderr: error.stderr,
      code: error.code,
    }),
  );
}

interface Agents {
  agents: Array<{
    host: string;
    version: string | null;
    status: string;
    lines_per_second: number | null;
    backlog_bytes: number | null;
    errors_total: number | null;
    dropped_total: number | null;
  }>;
}

describe('agent status, self-report and the server view of its agents', () => {
  const procs: BirdseyeProcess[] = [];
  after(async () => {
    for (const p of procs) await p.cleanup();
  });

  it('says clearly when no agent is listening', async () => {
    const port = await freePort();
    const result = await birdseye(['agent', 'status', '--agent-port', String(port)]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`no agent answered on 127\\.0\\.0\\.1:${port}`));
    assert.match(result.stderr, /--agent-port/);
  });

  it('shows sources, backlog and delivery; the server lists the agent with its line rate', async () => {
    const server = await startBirdseye('server');
    procs.push(server);
    const token = server.adminToken();
    const [agentPort, gatewayPort] = [await freePort(), await freePort()];
    const agent = await startBirdseye('agent', {
      args: ['--server', server.url, '--token', token, '--host-name', 'status-node']
        .concat(['--agent-port', String(agentPort), '--gateway-port', String(gatewayPort)])
        .concat(['--interval-ms', '1000']),
    });
    procs.push(agent);

    // Lines keep coming, so the server sees a rate over several self-reports.
    const marker = `status${process.pid}`;
    let sent = 0;
    const feeding = setInterval(() => {
      const batch = Array.from({ length: 50 }, (_, i) => `${marker} line ${sent + i}`).join('\n') + '\n';
      sent += 50;
      void sendTcp(gatewayPort, batch);
    }, 250);
    try {
      const listed = await eventually(
        async () => {
          const { body } = await getJson<Agents>(`${server.url}/api/v1/agents`, token);
          const mine = body.agents.find((a) => a.host === 'status-node');
          return mine && (mine.lines_per_second ?? 0) > 0 ? mine : undefined;
        },
        30_000,
        'the server to list status-node with a non-zero line rate',
      );
      assert.equal(listed.version, VERSION);
      assert.equal(listed.status, 'up');
      assert.equal(listed.errors_total, 0);
      assert.equal(listed.dropped_total, 0);
      assert.equal(typeof listed.backlog_bytes, 'number');
    } finally {
      clearInterval(feeding);
    }

    const json = await birdseye(['agent', 'status', '--agent-port', String(agentPort), '--json']);
    assert.equal(json.code, 0, json.stderr);
    const status = JSON.parse(json.stdout) as {
      version: string;
      server_url: string;
      sources: Array<{ id: string; received_events: number }>;
      buffers: Array<{ backlog_bytes: number; drain_entries_per_second: number }>;
      sinks: Array<{ sent_events: number; errors: number }>;
    };
    assert.equal(status.version, VERSION);
    assert.equal(status.server_url, server.url);
    const gateway = status.sources.find((s) => s.id.startsWith('gateway'));
    assert.ok(gateway && gateway.received_events >= 50, JSON.stringify(status.sources));
    assert.ok(status.buffers[0]!.drain_entries_per_second > 0, JSON.stringify(status.buffers));
    assert.ok(status.sinks[0]!.sent_events >= 50, JSON.stringify(status.sinks));

    const text = await birdseye(['agent', 'status', '--agent-port', String(agentPort)]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Birdseye agent ${VERSION.replace(/\./g, '\\.')} on status-node`));
    assert.match(text.stdout, /Server +http:\/\/127\.0\.0\.1:\d+/);
    assert.match(text.stdout, /gateway\S* +received \d+, errors 0/);
    assert.match(text.stdout, /backlog .* draining .*\/s/);
    assert.match(text.stdout, /Last error none/);

    const metrics = await (await fetch(`http://127.0.0.1:${agentPort}/metrics`)).text();
    for (const name of [
      'agent_buffer_bytes',
      'agent_buffer_entries',
      'agent_buffer_oldest_age_seconds',
      'agent_buffer_drain_bytes_per_second',
    ]) {
      assert.match(metrics, new RegExp(`^${name}\\{`, 'm'), `${name} missing from /metrics`);
    }

    const { status: code, body } = await getJson<{
      storage: { backend: string; bytes: number; files: Array<{ path: string; bytes: number }> };
    }>(`${server.url}/api/v1/status`, token);
    assert.equal(code, 200);
    assert.equal(body.storage.backend, 'sqlite');
    assert.ok(body.storage.bytes > 0);
    assert.equal(
      body.storage.bytes,
      body.storage.files.reduce((sum, f) => sum + f.bytes, 0),
    );
  });
});

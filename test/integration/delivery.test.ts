import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually, searchAll, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { startCuttingProxy } from '../helpers/cutting-proxy.ts';
import { freePort, sendTcp } from '../helpers/net.ts';

const allMessages = async (server: BirdseyeProcess, q: string) =>
  (await searchAll<{ message: string }>(server, q)).map((r) => r.message);

const numbered = (marker: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${marker} line ${from + i}`).join('\n') + '\n';

/** Waits for exactly `n` lines with `marker` and checks they are 1..n, each once. */
async function exactlyOnce(server: BirdseyeProcess, marker: string, n: number): Promise<void> {
  const messages = await eventually(
    async () => {
      const m = await allMessages(server, marker);
      return m.length >= n ? m : undefined;
    },
    60_000,
    `all ${n} lines`,
  );
  // A little longer, so a duplicate arriving late would be seen.
  await new Promise((r) => setTimeout(r, 1500));
  const settled = await allMessages(server, marker);
  assert.equal(settled.length, n, 'no line twice');
  assert.deepEqual(
    settled.map((m) => Number(m.split(' ').at(-1))).sort((a, b) => a - b),
    Array.from({ length: n }, (_, i) => i + 1),
  );
  assert.ok(messages.length <= n);
}

/** Retries start at 100 ms and stay under 1 s, so the outages below cost seconds, not minutes. */
function quickRetries(extra = ''): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'birdseye-delivery-')), 'agent.yaml');
  writeFileSync(file, `agent:\n  retry_initial_backoff_ms: 100\n  retry_max_backoff_ms: 1000\n${extra}`);
  return file;
}

describe('delivery through outages', () => {
  const procs: BirdseyeProcess[] = [];
  after(async () => {
    for (const p of procs) await p.cleanup();
  });

  it('loses and repeats nothing when the server is down and the agent is killed with -9', async () => {
    const serverPort = await freePort();
    const gatewayPort = await freePort();
    const server = await startBirdseye('server', { args: ['--port', String(serverPort)], keepDataDir: true });
    procs.push(server);
    const token = server.adminToken();
    const agentArgs = [
      '--server',
      server.url,
      '--token',
      token,
      '--gateway-port',
      String(gatewayPort),
      '--agent-port',
      '0',
    ];
    const agent = await startBirdseye('agent', { args: agentArgs, keepDataDir: true });
    procs.push(agent);

    const marker = `outage${process.pid}`;
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `${marker} line ${from + i}`).join('\n') + '\n';
    await sendTcp(gatewayPort, lines(1, 500));
    await eventually(
      async () => ((await allMessages(server, marker)).length === 500 ? true : undefined),
      20_000,
      'the first 500',
    );

    // The server goes away; the agent keeps taking lines into its disk buffer, then dies hard.
    assert.equal(await server.stop('SIGTERM'), 0);
    await sendTcp(gatewayPort, lines(501, 1500));
    await new Promise((r) => setTimeout(r, 1500));
    await agent.stop('SIGKILL');

    const server2 = await startBirdseye('server', {
      dataDir: server.dataDir,
      args: ['--port', String(serverPort)],
    });
    procs.push(server2);
    const agent2 = await startBirdseye('agent', { dataDir: agent.dataDir, args: agentArgs });
    procs.push(agent2);
    const messages = await eventually(
      async () => {
        const m = await allMessages(server2, marker);
        return m.length >= 1500 ? m : undefined;
      },
      30_000,
      'all 1500 lines after the restarts',
    );
    assert.equal(messages.length, 1500);
    assert.deepEqual(
      messages.map((m) => Number(m.split(' ').at(-1))),
      Array.from({ length: 1500 }, (_, i) => i + 1),
    );
  });

  it('loses and repeats nothing when the server is killed with -9 again and again', async () => {
    const serverPort = await freePort();
    const gatewayPort = await freePort();
    let server = await startBirdseye('server', { args: ['--port', String(serverPort)], keepDataDir: true });
    procs.push(server);
    const agent = await startBirdseye('agent', {
      args: [
        ...['--config', quickRetries(), '--server', server.url, '--token', server.adminToken()],
        ...['--gateway-port', String(gatewayPort), '--agent-port', '0'],
      ],
    });
    procs.push(agent);
    const marker = `serverkill${process.pid}`;
    for (let round = 0; round < 4; round++) {
      await sendTcp(gatewayPort, numbered(marker, round * 400 + 1, round * 400 + 400));
      await new Promise((r) => setTimeout(r, 200 + round * 150));
      await server.stop('SIGKILL');
      server = await startBirdseye('server', {
        dataDir: server.dataDir,
        args: ['--port', String(serverPort)],
        keepDataDir: true,
      });
      procs.push(server);
    }
    await exactlyOnce(server, marker, 1600);
  });

  it('loses and repeats nothing when the network cuts requests and swallows responses', async () => {
    const server = await startBirdseye('server');
    procs.push(server);
    const proxy = await startCuttingProxy(Number(new URL(server.url).port), 8);
    const gatewayPort = await freePort();
    const agent = await startBirdseye('agent', {
      args: [
        // Batches of at most 50 ms, so the lines below cross the proxy in many requests.
        ...['--config', quickRetries('  batch_max_wait_ms: 50\n')],
        ...['--server', `http://127.0.0.1:${proxy.port}`],
        ...['--token', server.adminToken(), '--gateway-port', String(gatewayPort), '--agent-port', '0'],
      ],
    });
    procs.push(agent);
    const marker = `netcut${process.pid}`;
    try {
      // Small sends spread over time make many batches, so many requests cross the proxy.
      for (let i = 0; i < 30; i++) {
        await sendTcp(gatewayPort, numbered(marker, i * 50 + 1, i * 50 + 50));
        await new Promise((r) => setTimeout(r, 120));
      }
      await exactlyOnce(server, marker, 1500);
      assert.ok(
        proxy.cuts.lostResponse > 0,
        'some responses were swallowed after the server stored the batch',
      );
      assert.ok(proxy.cuts.midRequest > 0, 'some requests were cut half-way');
    } finally {
      await proxy.close();
    }
  });
});

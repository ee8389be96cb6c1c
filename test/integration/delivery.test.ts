import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { freePort, sendTcp } from '../helpers/net.ts';

interface Search {
  records: Array<{ message: string }>;
  next_cursor: string | null;
}

async function allMessages(server: BirdseyeProcess, q: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${server.url}/api/v1/logs/search?q=${q}&from=0&to=now&order=oldest&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
    const { body }: { body: Search } = await getJson<Search>(url, server.adminToken());
    out.push(...body.records.map((r) => r.message));
    cursor = body.next_cursor;
  } while (cursor);
  return out;
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
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { birdseye, searchLogs } from '../helpers/birdseye-cli.ts';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { startEtcd, type EtcdProcess } from '../helpers/etcd.ts';
import { freePort, sendTcp } from '../helpers/net.ts';

/**
 * docs/quickstart.md, "A cluster in five minutes", step by step on this machine: a real etcd, one
 * server, three agents as separate processes with their own host names (and, sharing one machine,
 * their own gateway ports, set per host in etcd).
 */
describe('quick start: a cluster in five minutes', () => {
  let etcd: EtcdProcess | undefined;
  const procs: BirdseyeProcess[] = [];
  after(async () => {
    for (const p of procs.reverse()) await p.cleanup();
    await etcd?.cleanup();
  });

  it('settings in etcd, a server, three agents, a line each, then a change applied by all three', async () => {
    etcd = await startEtcd();
    const env = { BIRDSEYE_ETCD: etcd.endpoint };
    const token = randomBytes(24).toString('hex');
    const serverPort = await freePort();
    const serverUrl = `http://127.0.0.1:${serverPort}`;
    const hosts = ['node-1', 'node-2', 'node-3'];
    const gateways = new Map<string, number>();
    for (const host of hosts) gateways.set(host, await freePort());

    // 1. Put the settings in etcd.
    const set = async (...args: string[]) => {
      const result = await birdseye(['config', 'set', ...args], env);
      assert.equal(result.code, 0, result.stderr);
    };
    await set('agent/server_url', serverUrl);
    await set('agent/token', token);
    await set('agent/host_metrics/interval_ms', '60000');
    for (const [host, port] of gateways) await set('--host', host, 'agent/gateway/port', String(port));

    // 2. Start the server.
    const server = await startBirdseye('server', {
      args: ['--port', String(serverPort), '--admin-token', token, '--etcd', etcd.endpoint],
    });
    procs.push(server);

    // 3. Start an agent on every node, with nothing but the etcd address.
    for (const host of hosts) {
      procs.push(
        await startBirdseye('agent', {
          args: ['--etcd', etcd.endpoint, '--host-name', host, '--agent-port', '0'],
          gatewayOff: false,
        }),
      );
    }
    const { body: registered } = await eventually(
      async () => {
        const res = await getJson<{ agents: Array<{ host: string; gateway?: { port: number } }> }>(
          `${server.url}/api/v1/agents`,
          token,
        );
        return res.body.agents.length === 3 && res.body.agents.every((a) => a.gateway) ? res : undefined;
      },
      20_000,
      'three registered agents',
    );
    assert.deepEqual(
      registered.agents.map((a) => [a.host, a.gateway?.port]).sort(),
      hosts.map((h) => [h, gateways.get(h)]),
    );

    // 4. Send a test line through each node's gateway; 5. see all three through the API.
    for (const [host, port] of gateways) await sendTcp(port, `hello from ${host}\n`);
    const lines = await eventually(
      async () => {
        const found = await searchLogs(server.url, token, 'hello from');
        return found.length >= 3 ? found : undefined;
      },
      30_000,
      'a line from each agent',
    );
    assert.deepEqual(
      lines.map((l) => `${l.host}: ${l.message}`).sort(),
      hosts.map((h) => `${h}: hello from ${h}`),
    );

    // 6. Change a setting everywhere: all three agents now report host metrics every 500 ms.
    const changed = Date.now();
    await set('agent/host_metrics/interval_ms', '500');
    for (const host of hosts) {
      await eventually(
        async () => {
          const q = encodeURIComponent(`node_load1{host="${host}"}`);
          const { body } = await getJson<{ series: Array<{ points: unknown[] }> }>(
            `${server.url}/api/v1/metrics/query?query=${q}&from=${changed}&to=now&step=1000`,
            token,
          );
          // At the old 60 s interval a restart gives at most two points (start and +1 s) in this window.
          return (body.series[0]?.points.length ?? 0) >= 6 ? true : undefined;
        },
        40_000,
        `${host} reporting every 500 ms`,
      );
    }
    for (const proc of procs) assert.equal(proc.child.exitCode, null, 'no process restarted');
  });
});

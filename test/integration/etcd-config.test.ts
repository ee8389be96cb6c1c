import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { birdseye, searchLogs } from '../helpers/birdseye-cli.ts';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { startEtcd, type EtcdProcess } from '../helpers/etcd.ts';
import { freePort, sendTcp } from '../helpers/net.ts';

const PREFIX = '/birdseye/default/';

/** Sends a line until the gateway on `port` takes it (it refuses while the agent reloads). */
async function sendLine(port: number, line: string): Promise<void> {
  await eventually(
    async () => {
      await sendTcp(port, `${line}\n`);
      return true;
    },
    30_000,
    `the gateway on port ${port}`,
  );
}

describe('cluster-wide config in etcd (real etcd, server and agent processes)', () => {
  let etcd: EtcdProcess;
  let server: BirdseyeProcess;
  let token: string;
  const procs: BirdseyeProcess[] = [];
  const config = (...args: string[]) => birdseye(['config', ...args, '--etcd', etcd.endpoint]);
  const startAgent = async (host: string, dataDir?: string) => {
    const agent = await startBirdseye('agent', {
      args: ['--etcd', etcd.endpoint, '--host-name', host, '--agent-port', '0'],
      gatewayOff: false,
      ...(dataDir ? { dataDir, keepDataDir: true } : {}),
    });
    procs.push(agent);
    return agent;
  };
  const arrived = (marker: string, count = 1) =>
    eventually(
      async () => {
        const found = await searchLogs(server.url, token, marker);
        return found.length >= count ? found : undefined;
      },
      30_000,
      `${count} line(s) "${marker}" in the API`,
    );

  before(async () => {
    etcd = await startEtcd();
    server = await startBirdseye('server', { args: ['--etcd', etcd.endpoint] });
    procs.push(server);
    token = server.adminToken();
    assert.equal((await config('set', 'agent/server_url', server.url)).code, 0);
    assert.equal((await config('set', 'agent/token', token)).code, 0);
  });
  after(async () => {
    for (const p of procs.reverse()) await p.cleanup();
    await etcd?.cleanup();
  });

  let live: BirdseyeProcess;
  let port: number;

  it('applies a gateway port change from etcd live, losing and duplicating nothing', async () => {
    port = await freePort();
    assert.equal((await config('set', 'agent/gateway/port', String(port), '--host', 'live-1')).code, 0);
    live = await startAgent('live-1');
    assert.match(live.stdout(), new RegExp(`Gateway +tcp://0\\.0\\.0\\.0:${port}`));
    await sendLine(port, 'etcd-first-line');
    assert.equal((await arrived('etcd-first-line'))[0]!.host, 'live-1');

    // Lines the gateway took just before the change must come out once each after the reload.
    const lines = Array.from({ length: 300 }, (_, i) => `reload-line-${i} x`).join('\n');
    await sendTcp(port, `${lines}\n`);
    const next = await freePort();
    assert.equal((await config('set', 'agent/gateway/port', String(next), '--host', 'live-1')).code, 0);
    await sendLine(next, 'etcd-after-change');
    await arrived('etcd-after-change');
    const reloaded = await arrived('reload-line-', 300);
    const distinct = new Set(reloaded.map((r) => r.message));
    assert.equal(reloaded.length, 300, 'each line exactly once');
    assert.equal(distinct.size, 300);
    assert.equal(live.child.exitCode, null, 'the agent process kept running');
    port = next;

    // The agent's registration says where its gateway now listens.
    const registered = await eventually(
      async () => {
        const { body } = await getJson<{ agents: Array<{ host: string; gateway?: { port: number } }> }>(
          `${server.url}/api/v1/agents`,
          token,
        );
        const me = body.agents.find((a) => a.host === 'live-1');
        return me?.gateway?.port === next ? me : undefined;
      },
      20_000,
      'the registration with the new gateway port',
    );
    assert.equal(registered.host, 'live-1');
  });

  it('rejects a bad value with an error naming the key, and keeps the last good config', async () => {
    // `birdseye config set` refuses it, so write it behind its back, as etcdctl would.
    const refused = await config('set', 'agent/gateway/port', 'ninety', '--host', 'live-1');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /agent\/gateway\/port: .*expected number/);
    await etcd.etcdctl(['put', `${PREFIX}hosts/live-1/agent/gateway/port`, 'ninety']);
    await eventually(
      () =>
        Promise.resolve(
          live.stderr().includes(`etcd value ${PREFIX}hosts/live-1/agent/gateway/port rejected`)
            ? true
            : undefined,
        ),
      20_000,
      'the rejection in the agent log',
    );
    await sendLine(port, 'etcd-still-good');
    await arrived('etcd-still-good');
  });

  it('keeps running with the previous settings when new ones cannot run (port in use)', async () => {
    const blocker = net.createServer();
    const busy = await freePort();
    await new Promise<void>((resolve) => blocker.listen(busy, '0.0.0.0', resolve));
    try {
      assert.equal((await config('set', 'agent/gateway/port', String(busy), '--host', 'live-1')).code, 0);
      await eventually(
        () => Promise.resolve(live.stderr().includes('the new settings do not run') ? true : undefined),
        20_000,
        'the agent to report that the new settings do not run',
      );
      await sendLine(port, 'etcd-rolled-back');
      await arrived('etcd-rolled-back');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('resumes its watch after etcd restarts and applies what changed', async () => {
    await etcd.stop();
    await etcd.start();
    const next = await freePort();
    assert.equal((await config('set', 'agent/gateway/port', String(next), '--host', 'live-1')).code, 0);
    await sendLine(next, 'etcd-after-restart');
    assert.equal((await arrived('etcd-after-restart'))[0]!.host, 'live-1');
    port = next;
  });

  it('starts from its cached settings while etcd is down, then follows etcd when it returns', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-agent-cache-'));
    const first = await freePort();
    assert.equal((await config('set', 'agent/gateway/port', String(first), '--host', 'cached-1')).code, 0);
    const once = await startAgent('cached-1', dataDir);
    await once.stop();
    // A clean stop revokes the registration's lease: the server sees the node as no longer running.
    await eventually(
      async () => {
        const { body } = await getJson<{ agents: Array<{ host: string; registered: boolean }> }>(
          `${server.url}/api/v1/agents`,
          token,
        );
        return body.agents.find((a) => a.host === 'cached-1')?.registered === false ? true : undefined;
      },
      20_000,
      'cached-1 to be unregistered',
    );
    const cache = JSON.parse(readFileSync(path.join(dataDir, 'agent', 'etcd-config.json'), 'utf8')) as {
      kvs: Record<string, string>;
    };
    assert.equal(cache.kvs['hosts/cached-1/agent/gateway/port'], String(first));

    await etcd.stop();
    const again = await startAgent('cached-1', dataDir);
    assert.match(again.stdout(), /settings from cache/);
    await sendLine(first, 'etcd-from-cache');
    await arrived('etcd-from-cache');

    await etcd.start();
    const next = await freePort();
    assert.equal((await config('set', 'agent/gateway/port', String(next), '--host', 'cached-1')).code, 0);
    await sendLine(next, 'etcd-picked-up');
    assert.equal((await arrived('etcd-picked-up'))[0]!.host, 'cached-1');
  });

  it('explains where each value of an agent comes from', async () => {
    const { code, stdout } = await birdseye(
      ['agent', 'config', '--explain', '--host-name', 'live-1', '--interval-ms', '2000'],
      { BIRDSEYE_ETCD: etcd.endpoint, BIRDSEYE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'be-x-')) },
    );
    assert.equal(code, 0, stdout);
    assert.match(stdout, new RegExp(`agent\\.server_url +.*\\[etcd ${PREFIX}agent/server_url\\]`));
    assert.match(stdout, /agent\.token += \(set, hidden\)/);
    assert.match(stdout, new RegExp(`agent\\.gateway\\.port += ${port} +\\[etcd ${PREFIX}hosts/live-1/`));
    assert.match(stdout, /agent\.host_metrics\.interval_ms += 2000 +\[flag --interval-ms\]/);
    assert.match(stdout, /etcd\.endpoints .*\[env BIRDSEYE_ETCD\]/);
    assert.match(stdout, /agent\.batch_max_events += 5000 +\[default\]/);
    assert.ok(!stdout.includes(token), 'the token is not printed');
  });

  it('gets, sets, lists, exports and imports settings, validating each', async () => {
    assert.equal((await config('set', 'agent/docker/logs/exclude_names', '[^k8s_POD]')).code, 0);
    assert.equal((await config('get', 'agent/docker/logs/exclude_names')).stdout.trim(), '["^k8s_POD"]');
    assert.equal((await config('get', 'agent/token')).stdout.trim(), token);
    const list = await config('list');
    assert.match(list.stdout, /^agent\/token = \(hidden\)$/m);
    assert.match(list.stdout, /^agent\/docker\/logs\/exclude_names = \["\^k8s_POD"\]$/m);
    assert.match(list.stdout, /^agents\/live-1 \(registered\)/m);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-export-'));
    const file = path.join(dir, 'cluster.yaml');
    assert.equal((await config('export', '--output', file)).code, 0);
    const exported = readFileSync(file, 'utf8');
    assert.match(exported, /^agent\/docker\/logs\/exclude_names:\n {2}- \^k8s_POD$/m);
    assert.ok(!exported.includes('agents/'), 'registrations are not settings');

    assert.equal((await config('unset', 'agent/docker/logs/exclude_names')).code, 0);
    assert.equal((await config('get', 'agent/docker/logs/exclude_names')).code, 2);
    assert.equal((await config('import', file)).code, 0);
    assert.equal((await config('get', 'agent/docker/logs/exclude_names')).stdout.trim(), '["^k8s_POD"]');

    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'agent/host_metrics/interval_ms: 7000\nagent/gateway/port: -1\n');
    const refused = await config('import', bad);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /nothing written:\n {2}agent\/gateway\/port: Too small/);
    assert.equal((await config('get', 'agent/host_metrics/interval_ms')).code, 2, 'no partial import');
  });

  it('says which etcd it cannot reach and what to check', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const { code, stderr } = await birdseye(['config', 'list', '--etcd', dead]);
    assert.equal(code, 2);
    assert.match(
      stderr,
      new RegExp(`etcd ${dead}: cannot list settings: .*etcdctl --endpoints ${dead} endpoint health`),
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, searchAll, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { TestDockerd } from '../helpers/dockerd.ts';
import { freePort } from '../helpers/net.ts';

/**
 * The whole path a user runs: a private real dockerd, containers writing numbered lines at a steady
 * pace, a real `birdseye agent` reading it and a real `birdseye server`. The agent is killed with
 * SIGKILL several times mid-way and started again on the same data dir; the server's search must
 * then hold every line exactly once, in order — including lines longer than Docker's 16 KiB parts,
 * whose parts a kill may fall between.
 */

interface Record {
  message: string;
  container?: { name?: string };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const search = (server: BirdseyeProcess, token: string, q: string) => searchAll<Record>(server, q, token);

describe('docker logs through a real agent and server', () => {
  let engine: TestDockerd;
  const procs: BirdseyeProcess[] = [];
  before(async () => {
    engine = await TestDockerd.start();
  });
  after(async () => {
    for (const p of procs) await p.cleanup();
    await engine?.stop();
  });

  it(
    'delivers every line exactly once, in order, across five kills with SIGKILL mid-way',
    { timeout: 300_000 },
    async () => {
      const marker = `dkkill${process.pid}`;
      const long = `dklong${process.pid}`;
      const srv = await startBirdseye('server', {
        args: ['--port', String(await freePort())],
        timeoutMs: 60_000,
      });
      procs.push(srv);
      const token = srv.adminToken();
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-agent-'));
      const configFile = path.join(dataDir, 'birdseye.yaml');
      // Only the Docker source: the node's own journal and metrics are not what this test is about.
      writeFileSync(
        configFile,
        [
          'agent:',
          '  journald: { enabled: false }',
          '  host_metrics: { enabled: false }',
          `  docker: { host: "unix://${engine.socketPath}", interval_ms: 1000, metrics: { enabled: false } }`,
          '',
        ].join('\n'),
      );
      const agent = async () => {
        const p = await startBirdseye('agent', {
          args: ['--config', configFile, '--server', srv.url, '--token', token, '--agent-port', '0'],
          dataDir,
          keepDataDir: true,
          timeoutMs: 60_000, // tsx compiles the sources at each start; slow on a loaded machine
        });
        procs.push(p);
        return p;
      };

      let a = await agent();
      const total = 3_000;
      const longTotal = 60;
      await engine.run({
        name: 'counter',
        cmd: [
          'sh',
          '-c',
          `i=1; while [ $i -le ${total} ]; do echo "${marker} line $i"; i=$((i+1)); usleep 10000; done; sleep 600`,
        ],
      });
      // 40,000 bytes + prefix: three 16 KiB parts each, every half second through all the kills.
      await engine.run({
        name: 'long',
        cmd: [
          'sh',
          '-c',
          `i=1; while [ $i -le ${longTotal} ]; do printf "${long} $i "; head -c 40000 /dev/zero | tr "\\0" x; echo; i=$((i+1)); usleep 500000; done; sleep 600`,
        ],
      });
      // Each kill falls once a further sixth of the lines is on the server, wherever the agent is.
      for (let kill = 1; kill <= 5; kill++) {
        await eventually(
          async () => ((await search(srv, token, marker)).length >= (total * kill) / 6 ? true : undefined),
          120_000,
          `${kill}/6 of the lines before kill ${kill}`,
          100,
        );
        await sleep(Math.random() * 300);
        await a.stop('SIGKILL');
        a = await agent();
      }

      const records = await eventually(
        async () => {
          const r = await search(srv, token, marker);
          return r.length >= total ? r : undefined;
        },
        180_000,
        `all ${total} lines`,
      );
      const longRecords = await eventually(
        async () => {
          const r = await search(srv, token, long);
          return r.length >= longTotal ? r : undefined;
        },
        60_000,
        `all ${longTotal} long lines`,
      );
      await sleep(2000); // a duplicate would arrive with a late resend
      const final = await search(srv, token, marker);
      const numbers = (rs: Record[]) => rs.map((r) => Number(r.message.split(' ').at(-1)));
      assert.equal(final.length, total, `${final.length} records for ${total} lines`);
      assert.deepEqual(numbers(records), range(1, total), 'every line once, in order');
      assert.equal(records[0]!.container?.name, 'counter');

      const finalLong = await search(srv, token, long);
      assert.equal(finalLong.length, longTotal, `${finalLong.length} records for ${longTotal} long lines`);
      assert.deepEqual(
        longRecords.map((r) => r.message.split(' ')[1]),
        range(1, longTotal).map(String),
      );
      for (const r of longRecords) {
        assert.equal(
          r.message,
          `${long} ${r.message.split(' ')[1]} ${'x'.repeat(40_000)}`,
          'a long line intact',
        );
      }
    },
  );

  it(
    'routes a container labelled birdseye.token to that tenant, and skips one labelled birdseye.logs=false',
    {
      timeout: 180_000,
    },
    async () => {
      const marker = `dktenant${process.pid}`;
      const srv = await startBirdseye('server', {
        args: ['--port', String(await freePort())],
        timeoutMs: 60_000,
      });
      procs.push(srv);
      const admin = srv.adminToken();
      const post = async (url: string, body: object) => {
        const response = await fetch(`${srv.url}${url}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        assert.ok(response.ok, `${url}: ${response.status} ${text}`);
        return JSON.parse(text) as { token: string };
      };
      await post('/api/v1/admin/tenants', { name: 'shop' });
      const { token: shop } = await post('/api/v1/admin/tenants/shop/tokens', { scopes: ['ingest', 'read'] });
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-agent-'));
      const configFile = path.join(dataDir, 'birdseye.yaml');
      writeFileSync(
        configFile,
        [
          'agent:',
          '  journald: { enabled: false }',
          '  host_metrics: { enabled: false }',
          `  docker: { host: "unix://${engine.socketPath}", interval_ms: 1000 }`,
          '',
        ].join('\n'),
      );
      const args = ['--config', configFile, '--server', srv.url, '--token', admin, '--agent-port', '0'];
      const start = async () => {
        const p = await startBirdseye('agent', { args, dataDir, keepDataDir: true, timeoutMs: 60_000 });
        procs.push(p);
        return p;
      };
      const a = await start();
      const lines = (name: string) =>
        `i=1; while [ $i -le 50 ]; do echo "${marker} ${name} $i"; i=$((i+1)); done; sleep 600`;
      await engine.run({
        name: 'shop-app',
        cmd: ['sh', '-c', lines('shop')],
        labels: { 'birdseye.token': shop },
      });
      await engine.run({ name: 'own-app', cmd: ['sh', '-c', lines('own')] });
      await engine.run({
        name: 'quiet-app',
        cmd: ['sh', '-c', lines('quiet')],
        labels: { 'birdseye.logs': 'false' },
      });

      const shopLines = await eventually(
        async () => {
          const r = await search(srv, shop, marker);
          return r.length >= 50 ? r : undefined;
        },
        60_000,
        "the shop container's lines in the shop tenant",
      );
      await eventually(
        async () => ((await search(srv, admin, `${marker} own`)).length >= 50 ? true : undefined),
        60_000,
        "the other container's lines in the agent's tenant",
      );
      // Killed and started again: what is buffered for the shop tenant is resent, nothing read twice.
      await a.stop('SIGKILL');
      await start();
      await sleep(4000);
      assert.deepEqual(
        shopLines.map((r) => r.message),
        range(1, 50).map((i) => `${marker} shop ${i}`),
      );
      assert.equal(
        (await search(srv, shop, marker)).length,
        50,
        'the shop tenant sees only its container, once',
      );
      const own = await search(srv, admin, marker);
      assert.deepEqual(
        own.map((r) => r.message),
        range(1, 50).map((i) => `${marker} own ${i}`),
        "the agent's tenant sees neither the shop's lines nor the opted-out container's",
      );
    },
  );
});

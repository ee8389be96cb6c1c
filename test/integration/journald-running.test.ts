import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, searchAll, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { freePort } from '../helpers/net.ts';
import { RunningJournald } from '../helpers/running-journald.ts';

/**
 * The whole path a user runs: a running systemd-journald (in a private mount namespace, so it is
 * "the node's journal" for everything started in it), entries written by systemd-cat, a real
 * `birdseye agent` with no journald config at all, and a real `birdseye server`. Processes are
 * killed with SIGKILL at arbitrary moments while entries keep arriving; the server's search must
 * then hold every numbered entry exactly once.
 */

interface Record {
  message: string;
  service?: string;
  severity?: number;
  fields?: { [key: string]: unknown };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const search = (server: BirdseyeProcess, token: string, q: string) => searchAll<Record>(server, q, token);

const entryNumbers = (records: Record[]) => records.map((r) => Number(r.message.split(' ').at(-1)));

describe('journald forwarding from a running journald (systemd-cat → journald → agent → server)', () => {
  let journald: RunningJournald;
  const procs: BirdseyeProcess[] = [];
  before(async () => {
    journald = await RunningJournald.start();
  });
  after(async () => {
    for (const p of procs) await p.cleanup();
    await journald?.stop();
  });

  async function server(port: number, dataDir?: string): Promise<BirdseyeProcess> {
    const p = await startBirdseye('server', {
      args: ['--port', String(port)],
      keepDataDir: true,
      ...(dataDir ? { dataDir } : {}),
    });
    procs.push(p);
    return p;
  }

  async function agent(serverUrl: string, token: string, dataDir?: string): Promise<BirdseyeProcess> {
    const p = await startBirdseye('agent', {
      prefix: journald.nsenter,
      args: ['--server', serverUrl, '--token', token, '--agent-port', '0', '--host-name', 'journal-node'],
      keepDataDir: true,
      ...(dataDir ? { dataDir } : {}),
    });
    procs.push(p);
    return p;
  }

  it(
    'delivers every entry exactly once across repeated kill -9 of the agent',
    { timeout: 180_000 },
    async () => {
      const marker = `jdkill${process.pid}`;
      const srv = await server(await freePort());
      const token = srv.adminToken();
      const writer = journald.writer('birdseye-jd-test');
      const total = 600;
      let next = 1;
      let state: string | undefined;
      for (let round = 0; round < 5; round++) {
        const a = await agent(srv.url, token, state);
        state = a.dataDir;
        // Entries arrive while the agent runs, in two bursts, and it dies at an arbitrary moment.
        for (let burst = 0; burst < 2; burst++) {
          const to = Math.min(total, next + 59);
          writer.write(range(next, to).map((n) => `${marker} entry ${n}`));
          next = to + 1;
          await sleep(300 + Math.random() * 700);
        }
        await a.stop('SIGKILL');
      }
      writer.write(range(next, total).map((n) => `${marker} entry ${n}`));
      await writer.end();
      await agent(srv.url, token, state);

      const records = await eventually(
        async () => {
          const r = await search(srv, token, marker);
          return r.length >= total ? r : undefined;
        },
        60_000,
        `all ${total} entries`,
      );
      await sleep(1500); // a duplicate would arrive with a late resend
      const final = await search(srv, token, marker);
      assert.equal(final.length, total, `${final.length} records for ${total} entries`);
      assert.deepEqual(
        entryNumbers(final).sort((x, y) => x - y),
        range(1, total),
      );
      assert.deepEqual(entryNumbers(records), range(1, total), 'in journal order');
      const first = final[0]!;
      assert.equal(first.service, 'birdseye-jd-test');
      assert.equal(first.severity, 6, 'systemd-cat writes at info');
      assert.match(String(first.fields?._BOOT_ID), /^[0-9a-f]{32}$/);
      assert.match(String(first.fields?._PID), /^\d+$/);
      assert.equal(first.fields?._TRANSPORT, 'stdout');
    },
  );

  it(
    'delivers every entry exactly once when the server is down for a while',
    { timeout: 120_000 },
    async () => {
      const marker = `jddown${process.pid}`;
      const port = await freePort();
      const srv = await server(port);
      const token = srv.adminToken();
      await agent(srv.url, token);
      const writer = journald.writer('birdseye-jd-outage');
      const total = 900;
      writer.write(range(1, 300).map((n) => `${marker} entry ${n}`));
      await eventually(
        async () => ((await search(srv, token, marker)).length === 300 ? true : undefined),
        30_000,
        'the first 300 entries',
      );

      // The server dies hard; entries keep arriving and wait in the agent's disk buffer.
      await srv.stop('SIGKILL');
      writer.write(range(301, 600).map((n) => `${marker} entry ${n}`));
      await sleep(3000); // the agent retries against a closed port meanwhile
      writer.write(range(601, total).map((n) => `${marker} entry ${n}`));
      await writer.end();
      await sleep(1000);

      const srv2 = await server(port, srv.dataDir);
      await eventually(
        async () => ((await search(srv2, token, marker)).length >= total ? true : undefined),
        60_000,
        `all ${total} entries after the outage`,
      );
      await sleep(1500);
      const final = await search(srv2, token, marker);
      assert.equal(final.length, total, `${final.length} records for ${total} entries`);
      assert.deepEqual(entryNumbers(final), range(1, total));
    },
  );
});

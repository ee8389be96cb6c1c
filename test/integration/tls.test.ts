import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { eventually, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { makePki, type Pki } from '../helpers/pki.ts';

const ADMIN_TOKEN = `tls-test-admin-token-${process.pid}-secret`;

/** A read client that trusts the test CA and, if given, presents a client certificate. */
function client(pki: Pki, cert?: { certFile: string; keyFile: string }): Agent {
  return new Agent({
    connect: {
      ca: readFileSync(pki.caFile),
      ...(cert ? { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) } : {}),
    },
  });
}

async function messages(url: string, q: string, dispatcher: Agent): Promise<string[]> {
  const response = await request(`${url}/api/v1/logs/search?q=${q}&from=0&to=now&order=oldest&limit=1000`, {
    dispatcher,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const body = (await response.body.json()) as { records: Array<{ message: string }> };
  return body.records.map((r) => r.message);
}

const settled = (done: boolean) => Promise.resolve(done ? true : undefined);

function lines(marker: string, from: number, to: number): string {
  return Array.from({ length: to - from + 1 }, (_, i) => `${marker} line ${from + i}`).join('\n') + '\n';
}

describe('agent → server over TLS', () => {
  const procs: BirdseyeProcess[] = [];
  let pki: Pki;
  before(() => {
    pki = makePki();
  });
  after(async () => {
    for (const p of procs) await p.cleanup();
    rmSync(pki.dir, { recursive: true, force: true });
  });

  const serverArgs = (extra: string[] = []) => [
    '--tls-cert-file',
    pki.server.certFile,
    '--tls-key-file',
    pki.server.keyFile,
    '--admin-token',
    ADMIN_TOKEN,
    '--log-level',
    'trace',
    ...extra,
  ];
  const agentArgs = (server: BirdseyeProcess, gatewayPort: number, extra: string[]) => [
    '--server',
    server.url.replace('127.0.0.1', 'localhost'),
    '--token',
    ADMIN_TOKEN,
    '--gateway-port',
    String(gatewayPort),
    '--agent-port',
    '0',
    '--log-level',
    'trace',
    ...extra,
  ];

  it('delivers over HTTPS; with the wrong CA the lines wait in the buffer, with a clear error, until the CA is fixed', async () => {
    const server = await startBirdseye('server', { args: serverArgs() });
    procs.push(server);
    assert.match(server.url, /^https:\/\//);
    const reader = client(pki);
    const gatewayPort = await freePort();

    const wrong = await startBirdseye('agent', {
      args: agentArgs(server, gatewayPort, ['--tls-ca-file', pki.otherCaFile]),
      keepDataDir: true,
    });
    procs.push(wrong);
    const marker = `tlsca${process.pid}`;
    await sendTcp(gatewayPort, lines(marker, 1, 200));
    await eventually(
      () => settled(/certificate is not trusted.*agent\.tls\.ca_file/.test(wrong.stderr())),
      20_000,
      'the agent to say the server certificate is not trusted and which option fixes it',
    );
    assert.deepEqual(await messages(server.url, marker, reader), []);
    assert.equal(await wrong.stop(), 0);

    const fixed = await startBirdseye('agent', {
      dataDir: wrong.dataDir,
      args: agentArgs(server, gatewayPort, ['--tls-ca-file', pki.caFile]),
    });
    procs.push(fixed);
    await sendTcp(gatewayPort, lines(marker, 201, 300));
    const got = await eventually(
      async () => {
        const m = await messages(server.url, marker, reader);
        return m.length >= 300 ? m : undefined;
      },
      30_000,
      'all 300 lines once the agent trusts the right CA',
    );
    assert.deepEqual(
      got.map((m) => Number(m.split(' ').at(-1))),
      Array.from({ length: 300 }, (_, i) => i + 1),
    );

    // Debug logging everywhere, and still the token appears in no log line of either process.
    for (const proc of [server, wrong, fixed]) {
      const output = proc.stdout() + proc.stderr();
      assert.ok(output.split('\n').length > 5, 'expected log output');
      assert.ok(!output.includes(ADMIN_TOKEN), `the token appears in the output of ${proc.dataDir}`);
    }
    await reader.close();
  });

  it('requires a client certificate signed by its CA when given client_ca_file', async () => {
    const server = await startBirdseye('server', { args: serverArgs(['--tls-client-ca-file', pki.caFile]) });
    procs.push(server);
    const gatewayPort = await freePort();
    const marker = `tlsclient${process.pid}`;
    const withCert = client(pki, pki.client);

    const bare = await startBirdseye('agent', {
      args: agentArgs(server, gatewayPort, ['--tls-ca-file', pki.caFile]),
    });
    procs.push(bare);
    await sendTcp(gatewayPort, lines(marker, 1, 50));
    await eventually(
      () => settled(/client certificate.*agent\.tls\.cert_file/.test(bare.stderr())),
      20_000,
      'the agent without a client certificate to be refused, saying which option to set',
    );
    assert.deepEqual(await messages(server.url, marker, withCert), []);
    await bare.stop();

    for (const [name, cert] of [
      ['a stranger CA', pki.strangerClient],
      ['the right CA', pki.client],
    ] as const) {
      const port = await freePort();
      const agent = await startBirdseye('agent', {
        args: agentArgs(server, port, [
          '--tls-ca-file',
          pki.caFile,
          '--tls-client-cert-file',
          cert.certFile,
          '--tls-client-key-file',
          cert.keyFile,
        ]),
      });
      procs.push(agent);
      await sendTcp(port, `${marker} from ${name.replace(/ /g, '-')}\n`);
      if (cert === pki.strangerClient) {
        await eventually(
          () => settled(/TLS handshake/.test(agent.stderr())),
          20_000,
          'a client certificate from another CA to be refused',
        );
      } else {
        await eventually(
          async () =>
            (await messages(server.url, marker, withCert)).includes(`${marker} from the-right-CA`)
              ? true
              : undefined,
          20_000,
          'the line from the agent with the right client certificate',
        );
      }
      await agent.stop();
    }
    const all = await messages(server.url, marker, withCert);
    assert.deepEqual(all, [`${marker} from the-right-CA`]);

    // A reader without a certificate does not get in either.
    const noCert = client(pki);
    await assert.rejects(messages(server.url, marker, noCert));
    await Promise.all([noCert.close(), withCert.close()]);
  });

  it('birdseye up serves HTTPS and its local agent trusts its own certificate', async () => {
    const up = await startBirdseye('up', { args: serverArgs(['--interval-ms', '1000']) });
    procs.push(up);
    assert.match(up.url, /^https:\/\//);
    const reader = client(pki);
    await eventually(
      async () => {
        const response = await request(`${up.url}/api/v1/hosts`, {
          dispatcher: reader,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const body = (await response.body.json()) as { hosts: Array<{ host: string }> };
        return body.hosts.some((h) => h.host === os.hostname()) ? true : undefined;
      },
      20_000,
      'the local agent to report this host over HTTPS',
    );
    assert.doesNotMatch(up.stderr(), /delivery failed/);
    await reader.close();
  });
});

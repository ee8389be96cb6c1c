import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dockerSchema } from '../../src/agent/sources/docker/config.ts';
import { DockerSource } from '../../src/agent/sources/docker/docker.ts';
import { EngineClient } from '../../src/agent/sources/docker/engine-client.ts';
import { resolveEndpoint } from '../../src/agent/sources/docker/endpoint.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { LogRecord } from '../../src/model/index.ts';
import { TestDockerd } from '../helpers/dockerd.ts';
import { freePort } from '../helpers/net.ts';
import { makePki, type Pki } from '../helpers/pki.ts';

/** The Docker source reaching a real dockerd over TCP with --tlsverify, as DOCKER_HOST would. */
describe('docker source over TCP + TLS (real dockerd)', { timeout: 120_000 }, () => {
  let pki: Pki;
  let engine: TestDockerd;
  let port: number;
  const dirs: string[] = [];

  before(async () => {
    pki = makePki();
    port = await freePort();
    engine = await TestDockerd.start({
      tcp: { port, caFile: pki.caFile, certFile: pki.server.certFile, keyFile: pki.server.keyFile },
    });
  });
  after(async () => {
    await engine?.stop();
    rmSync(pki.dir, { recursive: true, force: true });
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const tcpConfig = (tls: Record<string, string>) =>
    dockerSchema.parse({ host: `tcp://127.0.0.1:${port}`, tls, interval_ms: 500 });

  it('follows a container’s logs over tcp:// with the CA and a client certificate', async () => {
    await engine.run({ name: 'tls-echo', cmd: ['sh', '-c', 'echo hello over tls; sleep 60'] });
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-docker-tls-'));
    dirs.push(stateDir);
    const config = tcpConfig({
      ca_file: pki.caFile,
      cert_file: pki.client.certFile,
      key_file: pki.client.keyFile,
    });
    const logs: LogRecord[] = [];
    const source = new DockerSource(config, {
      hostName: 'node-1',
      log: createLogger('silent', 'json'),
      stateDir,
    });
    assert.equal(source.describe(), `docker: tcp+tls://127.0.0.1:${port}`);
    source.start(
      (records, onDurable) => {
        logs.push(...(records.logs ?? []));
        if (onDurable) setImmediate(onDurable);
        return true;
      },
      { room: () => undefined, capacity: 10_000 },
    );
    try {
      for (const end = Date.now() + 30_000; Date.now() < end;) {
        if (logs.some((r) => r.message === 'hello over tls')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const line = logs.find((r) => r.message === 'hello over tls');
      assert.ok(line, `no line over TLS; got ${JSON.stringify(logs.map((r) => r.message))}`);
      assert.equal(line.container?.name, 'tls-echo');
    } finally {
      await source.stop();
    }
  });

  it('is refused without a client certificate, and without the right CA', async () => {
    const cases: Array<Record<string, string>> = [
      { ca_file: pki.caFile },
      { ca_file: pki.otherCaFile, cert_file: pki.client.certFile, key_file: pki.client.keyFile },
    ];
    for (const tls of cases) {
      const client = new EngineClient({ endpoint: resolveEndpoint(tcpConfig(tls), {}), timeoutMs: 10_000 });
      await assert.rejects(client.raw('GET', '/_ping'), /GET \/_ping: /);
      client.close();
    }
  });

  it('reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH like the docker CLI', async () => {
    const certPath = mkdtempSync(path.join(os.tmpdir(), 'birdseye-docker-certs-'));
    dirs.push(certPath);
    copyFileSync(pki.caFile, path.join(certPath, 'ca.pem'));
    copyFileSync(pki.client.certFile, path.join(certPath, 'cert.pem'));
    copyFileSync(pki.client.keyFile, path.join(certPath, 'key.pem'));
    const endpoint = resolveEndpoint(dockerSchema.parse({}), {
      DOCKER_HOST: `tcp://127.0.0.1:${port}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certPath,
    });
    const client = new EngineClient({ endpoint, timeoutMs: 10_000 });
    assert.equal((await client.raw('GET', '/_ping')).toString(), 'OK');
    client.close();
  });
});

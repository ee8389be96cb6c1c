import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { birdseye } from '../helpers/birdseye-cli.ts';
import { startEtcd, type EtcdProcess } from '../helpers/etcd.ts';
import { selfSignedCert } from '../helpers/net.ts';

describe('etcd with auth and TLS', () => {
  const started: EtcdProcess[] = [];
  after(async () => {
    for (const etcd of started) await etcd.cleanup();
  });

  it('reads and writes with a user and password, and says what to check when they are wrong', async () => {
    const etcd = await startEtcd();
    started.push(etcd);
    await etcd.etcdctl(['user', 'add', 'root:rootpw']);
    await etcd.etcdctl(['auth', 'enable']);
    const as = (password: string) => [
      '--etcd',
      etcd.endpoint,
      '--etcd-user',
      'root',
      '--etcd-password',
      password,
    ];

    const set = await birdseye(['config', 'set', 'agent/host_metrics/interval_ms', '2500', ...as('rootpw')]);
    assert.equal(set.code, 0, set.stderr);
    const explain = await birdseye(['agent', 'config', '--explain', '--host-name', 'secure-1'], {
      BIRDSEYE_ETCD: etcd.endpoint,
      BIRDSEYE_ETCD_USER: 'root',
      BIRDSEYE_ETCD_PASSWORD: 'rootpw',
      BIRDSEYE_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'birdseye-auth-')),
    });
    assert.match(explain.stdout, /agent\.host_metrics\.interval_ms += 2500 +\[etcd /);
    assert.match(explain.stdout, /etcd\.password += \(set, hidden\)/);
    assert.ok(!explain.stdout.includes('rootpw'));

    const wrong = await birdseye(['config', 'get', 'agent/host_metrics/interval_ms', ...as('nope')]);
    assert.equal(wrong.code, 2);
    assert.match(
      wrong.stderr,
      new RegExp(`etcd ${etcd.endpoint}: cannot read .*check --etcd-user and --etcd-password`),
    );
    const anonymous = await birdseye([
      'config',
      'get',
      'agent/host_metrics/interval_ms',
      '--etcd',
      etcd.endpoint,
    ]);
    assert.equal(anonymous.code, 2);
  });

  it('talks TLS with a client certificate', async () => {
    const cert = selfSignedCert();
    const etcd = await startEtcd({
      tls: { certFile: cert.certFile, keyFile: cert.keyFile, caFile: cert.certFile },
    });
    started.push(etcd);
    const tls = ['--etcd-ca', cert.certFile, '--etcd-cert', cert.certFile, '--etcd-key', cert.keyFile];
    const set = await birdseye([
      'config',
      'set',
      'agent/gateway/port',
      '9123',
      '--etcd',
      etcd.endpoint,
      ...tls,
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(await etcd.etcdctl(['get', '/birdseye/default/agent/gateway/port']), /9123/);
    const get = await birdseye(['config', 'get', 'agent/gateway/port', '--etcd', etcd.endpoint, ...tls]);
    assert.equal(get.stdout.trim(), '9123');

    // Without a client certificate etcd refuses the connection.
    const without = await birdseye([
      'config',
      'get',
      'agent/gateway/port',
      '--etcd',
      etcd.endpoint,
      '--etcd-ca',
      cert.certFile,
    ]);
    assert.equal(without.code, 2);
    assert.match(without.stderr, new RegExp(`etcd ${etcd.endpoint}: cannot read`));
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { resolveConfig } from '../load.ts';
import { classifyKey, parseCliValue, validateValue } from './keys.ts';
import { buildLayer, type EtcdSnapshot } from './layer.ts';

const snapshot = (kvs: Record<string, string>): EtcdSnapshot => ({ revision: '7', kvs });

describe('etcd keys', () => {
  it('maps keys under the prefix to config paths, per-host overrides and registrations', () => {
    assert.deepEqual(classifyKey('agent/host_metrics/interval_ms'), {
      kind: 'cluster',
      path: ['agent', 'host_metrics', 'interval_ms'],
    });
    assert.deepEqual(classifyKey('hosts/node-a/agent/gateway/port'), {
      kind: 'host',
      host: 'node-a',
      path: ['agent', 'gateway', 'port'],
    });
    assert.deepEqual(classifyKey('agents/node-a'), { kind: 'registration', host: 'node-a' });
    assert.equal(classifyKey('hosts/node-a').kind, 'invalid');
  });

  it('validates each value against the schema of its key and says why not', () => {
    assert.deepEqual(validateValue(['agent', 'gateway', 'port'], 9100), { ok: true });
    assert.deepEqual(validateValue(['agent', 'docker', 'logs', 'exclude_names'], ['^k8s_']), { ok: true });
    const small = validateValue(['agent', 'host_metrics', 'interval_ms'], 5);
    assert.ok(!small.ok && /Too small/.test(small.reason), JSON.stringify(small));
    const regex = validateValue(['agent', 'docker', 'logs', 'include_names'], ['(']);
    assert.ok(!regex.ok && /0: must be a valid regular expression/.test(regex.reason), JSON.stringify(regex));
    const unknown = validateValue(['agent', 'intervall_ms'], 5);
    assert.ok(!unknown.ok && /unknown setting "intervall_ms"/.test(unknown.reason));
    const local = validateValue(['data_dir'], '/x');
    assert.ok(!local.ok && /not a cluster-wide setting/.test(local.reason));
  });

  it('reads command-line values as YAML, and as text when the setting is text', () => {
    assert.deepEqual(parseCliValue(['agent', 'host_metrics', 'interval_ms'], '5000'), { value: 5000 });
    assert.deepEqual(parseCliValue(['agent', 'token'], '12345'), { value: '12345' });
    assert.deepEqual(parseCliValue(['agent', 'docker', 'logs', 'exclude_names'], '[a, b]'), {
      value: ['a', 'b'],
    });
    assert.match(parseCliValue(['agent', 'gateway', 'port'], 'ninety').reason ?? '', /expected number/);
  });
});

describe('etcd layer', () => {
  it('applies cluster keys, then this host’s overrides, and ignores other hosts', () => {
    const { layer, rejected } = buildLayer(
      snapshot({
        'agent/gateway/port': '9000',
        'hosts/node-a/agent/gateway/port': '9100',
        'hosts/node-b/agent/gateway/port': '9200',
        'agent/server_url': '"http://birdseye:8080"',
        'agents/node-a': '{"version":"x"}',
      }),
      'node-a',
    );
    assert.deepEqual(rejected, []);
    assert.deepEqual(layer.tree, { agent: { gateway: { port: 9100 }, server_url: 'http://birdseye:8080' } });
    assert.equal(layer.keys.get('agent.gateway.port'), 'hosts/node-a/agent/gateway/port');
  });

  it('rejects a bad value, naming the key, and keeps its last good value', () => {
    const first = buildLayer(snapshot({ 'agent/host_metrics/interval_ms': '2000' }), 'h');
    const second = buildLayer(snapshot({ 'agent/host_metrics/interval_ms': '"often"' }), 'h', first.good);
    assert.equal(second.rejected[0]?.key, 'agent/host_metrics/interval_ms');
    assert.match(second.rejected[0]?.reason ?? '', /expected number/);
    assert.deepEqual(second.layer.tree, { agent: { host_metrics: { interval_ms: 2000 } } });
    const fresh = buildLayer(snapshot({ 'agent/host_metrics/interval_ms': '"often"' }), 'h');
    assert.deepEqual(fresh.layer.tree, {});
  });

  it('accepts a bare word as etcdctl writes it', () => {
    const { layer } = buildLayer(snapshot({ log_level: 'debug', 'agent/token': 'abc' }), 'h');
    assert.deepEqual(layer.tree, { log_level: 'debug', agent: { token: 'abc' } });
  });
});

describe('precedence: flags > env > etcd > file > defaults', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-precedence-'));
  const file = path.join(dir, 'birdseye.yaml');
  writeFileSync(
    file,
    'agent:\n  port: 7001\n  batch_max_events: 10\n  host_metrics:\n    interval_ms: 1000\n  gateway:\n    port: 7000\n    udp_port: 7002\n',
  );
  const { layer } = buildLayer(
    snapshot({
      'agent/host_metrics/interval_ms': '2000',
      'agent/gateway': '{"port": 8000}',
      'agent/batch_max_events': '20',
      'agent/port': '8001',
    }),
    'h',
  );
  const { config, origins } = resolveConfig({
    file,
    env: { BIRDSEYE_GATEWAY_PORT: '9000', BIRDSEYE_INTERVAL_MS: '3000', BIRDSEYE_AGENT_PORT: '9001' },
    flags: { 'agent-port': '9999' },
    etcd: layer,
    etcdPrefix: '/birdseye/default/',
  });

  it('takes each value from the highest layer that sets it', () => {
    assert.equal(config.agent.port, 9999);
    assert.equal(config.agent.host_metrics.interval_ms, 3000);
    assert.equal(config.agent.gateway.port, 9000);
    assert.equal(config.agent.batch_max_events, 20);
    // A section from etcd merges into the file's: udp_port stays from the file.
    assert.equal(config.agent.gateway.udp_port, 7002);
    assert.equal(config.agent.batch_max_wait_ms, 1000);
  });

  it('records where each value came from', () => {
    assert.deepEqual(origins.get('agent.port'), { layer: 'flag', detail: '--agent-port' });
    assert.deepEqual(origins.get('agent.host_metrics.interval_ms'), {
      layer: 'env',
      detail: 'BIRDSEYE_INTERVAL_MS',
    });
    assert.deepEqual(origins.get('agent.batch_max_events'), {
      layer: 'etcd',
      detail: '/birdseye/default/agent/batch_max_events',
    });
    assert.deepEqual(origins.get('agent.gateway.udp_port'), { layer: 'file', detail: file });
    assert.equal(origins.get('agent.batch_max_wait_ms'), undefined);
  });
});

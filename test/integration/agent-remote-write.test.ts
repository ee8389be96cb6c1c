import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAgent, type RunningAgent } from '../../src/agent/agent.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/core/logger.ts';
import { startPrometheus, type PrometheusProcess } from '../helpers/prometheus.ts';
import { waitFor } from '../helpers/system-part.ts';

describe('agent → prometheus_remote_write and file sinks', () => {
  let prometheus: PrometheusProcess;
  let agent: RunningAgent;
  let dir: string;
  before(async () => {
    prometheus = await startPrometheus('global:\n  scrape_interval: 1h\n', [
      '--web.enable-remote-write-receiver',
    ]);
    dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-agent-'));
    const file = path.join(dir, 'birdseye.yaml');
    writeFileSync(
      file,
      [
        `data_dir: ${dir}`,
        'host_name: rw-node-1',
        'agent:',
        '  token: local-only',
        '  port: 0',
        '  batch_max_wait_ms: 100',
        '  host_metrics: { interval_ms: 1000 }',
        '  journald: { enabled: false }',
        '  docker: { enabled: false }',
        '  gateway: { port: 0 }',
        '  sinks:',
        `    prometheus_remote_write: { url: "${prometheus.url}/api/v1/write" }`,
        `    file: { path: ${path.join(dir, 'out', 'records.ndjson')} }`,
      ].join('\n'),
    );
    agent = await startAgent(loadConfig({ file, env: {} }), createLogger('silent', 'json'));
  });
  after(async () => {
    await agent?.close();
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes the agent's node_* metrics queryable in Prometheus's own API", async () => {
    const idle = await waitFor(
      'node_cpu_seconds_total in Prometheus',
      async () => {
        const result = await prometheus.query('node_cpu_seconds_total{host="rw-node-1",mode="idle"}');
        return result.length > 0 ? result : undefined;
      },
      60_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nprometheus log:\n${prometheus.log().slice(-2000)}`);
    });
    assert.ok(Number(idle[0]!.value[1]) > 0);
    const memory = await prometheus.query('node_memory_MemTotal_bytes{host="rw-node-1"}');
    assert.equal(memory.length, 1);
    assert.ok(Number(memory[0]!.value[1]) > 1e6);
    assert.doesNotMatch(prometheus.log(), /out of order|error/i);
  });

  it('writes the same records as NDJSON to the file sink', async () => {
    const out = path.join(dir, 'out', 'records.ndjson');
    const lines = await waitFor('metric lines in the file', () => {
      const text = readFileSync(out, 'utf8');
      return text.includes('node_load1') ? text.trim().split('\n') : undefined;
    });
    const records = lines.map(
      (line) => JSON.parse(line) as { type: string; name?: string; labels?: Record<string, string> },
    );
    assert.ok(records.every((r) => r.type === 'metric'));
    assert.ok(records.some((r) => r.name === 'node_load1' && r.labels?.host === 'rw-node-1'));
  });
});

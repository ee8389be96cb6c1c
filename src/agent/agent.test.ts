import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, sendTcp } from '../../test/helpers/net.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../../test/helpers/server.ts';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../core/logger.ts';
import { startAgent, type RunningAgent } from './agent.ts';

describe('agent against a real server', () => {
  const cleanup: Array<() => Promise<void>> = [];
  after(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it("ships a listener's lines with that listener's token, into its tenant", async () => {
    const server = await testServer();
    cleanup.push(() => server.dispose());
    server.tokens.add('billing-ingest-token', { tenant: 'billing', scopes: ['ingest'] }, 'billing');
    const [shared, billing] = [await freePort(), await freePort()];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-agent-'));
    const file = path.join(dir, 'birdseye.yaml');
    writeFileSync(
      file,
      [
        `data_dir: ${dir}`,
        'agent:',
        `  server_url: ${server.url}`,
        `  token: ${TEST_ADMIN_TOKEN}`,
        '  port: 0',
        '  batch_max_wait_ms: 20',
        '  host_metrics: { enabled: false }',
        '  journald: { enabled: false }',
        '  gateway:',
        `    port: ${shared}`,
        '    bind_address: 127.0.0.1',
        `    listeners: [{ name: billing, port: ${billing}, bind_address: 127.0.0.1, token: billing-ingest-token }]`,
      ].join('\n'),
    );
    const agent: RunningAgent = await startAgent(
      loadConfig({ file, env: {} }),
      createLogger('silent', 'json'),
    );
    cleanup.push(() => agent.close());

    await sendTcp(shared, 'for the default tenant\n');
    await sendTcp(billing, 'invoice 1 paid\ninvoice 2 paid\n');
    for (let i = 0; i < 200; i++) {
      if (
        (await server.storage.stats('billing')).logs === 2 &&
        (await server.storage.stats('default')).logs === 1
      )
        break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal((await server.storage.stats('default')).logs, 1);
    assert.equal((await server.storage.stats('billing')).logs, 2);
  });
});

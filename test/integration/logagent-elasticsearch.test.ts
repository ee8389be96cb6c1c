import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { logagentBin } from '../helpers/logagent.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/system-part.ts';

type Server = Awaited<ReturnType<typeof testServer>>;
type Found = Array<{ message: string; service?: string; host: string }>;

async function search(server: Server, q: string): Promise<Found> {
  const url = new URL('/api/v1/logs/search', server.url);
  url.search = new URLSearchParams({ q, from: 'now-2d', to: 'now+1d', limit: '1000' }).toString();
  const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  assert.equal(response.status, 200);
  return ((await response.json()) as { records: Found }).records;
}

const N = 300;

describe('@sematext/logagent → Birdseye _bulk', () => {
  let server: Server;
  let home: string;
  let bin: string;
  before(async () => {
    bin = logagentBin();
    server = await testServer();
    home = mkdtempSync(path.join(os.tmpdir(), 'birdseye-logagent-'));
  });
  after(async () => {
    await server?.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it('ships every line read from stdin, token as index', async () => {
    // logagent's Elasticsearch output posts to <url>/<index>/_bulk, the index being the token.
    const child = spawn(bin, ['-e', server.url, '-i', TEST_ADMIN_TOKEN, '-n', 'billing', '-s'], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, HOME: home },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < N; i++)
      child.stdin.write(`invoice ${String(i).padStart(4, '0')} was declined by the bank\n`);
    child.stdin.end();
    try {
      const found = await waitFor(`${N} lines from logagent`, async () => {
        const records = await search(server, '"declined by the bank"');
        return records.length >= N ? records : undefined;
      });
      assert.equal(found.length, N);
      assert.equal(new Set(found.map((r) => r.message)).size, N);
      assert.ok(found.every((r) => r.service === 'billing'));
    } catch (error) {
      throw new Error(`${(error as Error).message}\nlogagent stderr:\n${stderr.slice(-2000)}`);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/core/logger.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A real server in this process on a random loopback port, with its own temp data dir. */
export async function testServer(
  env: Record<string, string> = {},
): Promise<RunningServer & { dataDir: string; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-server-'));
  const config = loadConfig({
    env: {
      BIRDSEYE_DATA_DIR: dataDir,
      BIRDSEYE_PORT: '0',
      BIRDSEYE_LISTEN_ADDRESS: '127.0.0.1',
      BIRDSEYE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ...env,
    },
  });
  const server = await startServer(config, createLogger('silent', 'json'));
  return Object.assign(server, {
    dataDir,
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

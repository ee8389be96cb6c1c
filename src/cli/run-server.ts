import { startAgent } from '../agent/agent.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../core/logger.ts';
import { localAgentTls } from './local-tls.ts';
import { ensureLocalAgentToken } from '../server/auth/admin-token.ts';
import { startServer } from '../server/server.ts';
import { banner, browsableUrl, dataDirOf, findingLines, sourceLines } from './commands.ts';
import { exitOnSignals } from './lifecycle.ts';

function tokenHint(
  admin: Awaited<ReturnType<typeof startServer>>['admin'],
  url: string,
  dataDir: string,
): string[] {
  if (admin?.generated) {
    return [
      `  UI         ${url}/#token=${admin.token}`,
      `             (a new admin token: shown this once, saved in ${admin.file})`,
    ];
  }
  const where =
    admin?.file ?? (admin ? 'your configured admin token' : `an admin token (none saved in ${dataDir})`);
  return [`  UI         ${url}  (sign in with ${where})`];
}

/** The admin user's password, on the one start that made it. */
function adminUserHint(issued: Awaited<ReturnType<typeof startServer>>['adminUser']): string[] {
  if (!issued) return [];
  return [
    `  Sign-in    user "${issued.user}", password ${issued.password}`,
    `             (shown this once, saved in ${issued.file}; add users: POST /api/v1/admin/users)`,
  ];
}

export async function runServer(config: Readonly<Config>, logger: Logger): Promise<void> {
  const server = await startServer(config, logger);
  exitOnSignals(() => server.close(), logger);
  const url = browsableUrl(server.url);
  banner([
    ...tokenHint(server.admin, url, dataDirOf(config)),
    ...adminUserHint(server.adminUser),
    `  API        ${url}/api/v1  (ingest: POST /api/v1/ingest)`,
    `  Data       ${dataDirOf(config)} (${server.storage.kind})`,
    ...(server.webBuilt ? [] : ['  UI build   missing: run `npm run build:web`']),
    'Stop with Ctrl-C.',
  ]);
}

/** `birdseye up`: the server, a local agent wired to it, and the UI, in one process. */
export async function runUp(config: Readonly<Config>, logger: Logger): Promise<void> {
  const server = await startServer(config, logger);
  const token = ensureLocalAgentToken(server.tokens, dataDirOf(config));
  const agent = await startAgent(config, logger, {
    serverUrl: server.url,
    token,
    telemetry: server.telemetry,
    ...localAgentTls(config, server.tls),
  });
  exitOnSignals(async () => {
    await agent.close();
    await server.close();
  }, logger);
  const url = browsableUrl(server.url);
  banner([
    ...tokenHint(server.admin, url, dataDirOf(config)),
    ...adminUserHint(server.adminUser),
    `  Data       ${dataDirOf(config)} (${server.storage.kind})`,
    `  Agent      host "${config.host_name}", every ${config.agent.host_metrics.interval_ms / 1000} s`,
    ...sourceLines(agent.sources),
    ...findingLines(agent.findings),
    ...(server.webBuilt ? [] : ['  UI build   missing: run `npm run build:web`']),
    'Stop with Ctrl-C.',
  ]);
}

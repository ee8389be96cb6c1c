import { startAgent } from '../agent/agent.ts';
import type { LiveConfig } from '../config/etcd/live-config.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../core/logger.ts';
import { localAgentTls } from './local-tls.ts';
import { ensureLocalAgentToken } from '../server/auth/admin-token.ts';
import { startServer } from '../server/server.ts';
import { superviseAgent } from './agent-supervisor.ts';
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

export async function runAgent(config: Readonly<Config>, logger: Logger, live?: LiveConfig): Promise<void> {
  if (!live) throw new Error('runAgent needs the live config');
  const supervised = await superviseAgent(live, logger);
  exitOnSignals(() => supervised.close(), logger);
  const agent = supervised.agent;
  const etcd = live.etcd.endpoints.length
    ? [`  etcd       ${live.etcd.endpoints.join(',')} ${live.prefix} (settings from ${live.source})`]
    : [];
  const targets = [config.agent.server_url, ...Object.keys(config.agent.sinks).map((kind) => `${kind} sink`)];
  banner([
    `  Agent      host "${config.host_name}" shipping to ${targets.filter(Boolean).join(', ') || '?'}`,
    ...etcd,
    ...(supervised.waiting ? [`  Waiting    ${supervised.waiting}`] : []),
    `  State      ${dataDirOf(config)}/agent`,
    ...(supervised.url ? [`  Metrics    ${supervised.url}/metrics`] : []),
    ...sourceLines(agent?.sources ?? []),
    ...findingLines(agent?.findings ?? []),
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

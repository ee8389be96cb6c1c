import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config/index.ts';
import { BirdseyeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { componentCounters, Telemetry } from '../core/telemetry.ts';
import { VERSION } from '../version.ts';
import { startAlerting } from './alerting/engine.ts';
import { AgentDirectory } from '../config/etcd/registrations.ts';
import { adminRoutes } from './api/admin-routes.ts';
import { agentRoutes } from './api/agent-routes.ts';
import { alertPreviewRoutes } from './api/alert-preview-routes.ts';
import { alertRoutes } from './api/alert-routes.ts';
import { authRoutes } from './api/auth-routes.ts';
import { errorHandling } from './api/errors.ts';
import { logRoutes } from './api/log-routes.ts';
import { overviewRoutes } from './api/overview-routes.ts';
import { queryRoutes } from './api/query-routes.ts';
import { statusRoutes } from './api/status-routes.ts';
import { tailRoutes } from './api/tail-routes.ts';
import { webRoutes } from './api/web.ts';
import { ensureAdminToken, ensureAdminUser } from './auth/admin-token.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import { TokenStore } from './auth/token-store.ts';
import { BatchStore } from './ingest/batch-store.ts';
import { elasticsearchIngest } from './ingest/elasticsearch.ts';
import { nativeIngest } from './ingest/native.ts';
import { remoteWriteIngest } from './ingest/remote-write.ts';
import { patternRoutes } from './api/pattern-routes.ts';
import { PatternService } from './patterns/service.ts';
import type { StorageBackend } from './storage/backend.ts';
import { STORAGE_BACKENDS } from './storage/registry.ts';
import { startRetention } from './storage/retention.ts';
import { httpsSetup, type HttpsSetup } from './tls/https-options.ts';

export interface RunningServer {
  /** Base URL on the bound address, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly port: number;
  readonly tokens: TokenStore;
  readonly telemetry: Telemetry;
  readonly storage: StorageBackend;
  readonly admin: ReturnType<typeof ensureAdminToken>;
  /** Set on the first start only: the admin user's generated password, to print once. */
  readonly adminUser: Awaited<ReturnType<typeof ensureAdminUser>>;
  readonly webBuilt: boolean;
  /** Set when the server speaks HTTPS (server.tls). */
  readonly tls?: HttpsSetup;
  /** Every route registered, so a test can try each one (e.g. tenant isolation). */
  readonly routes: ReadonlyArray<{ method: string; url: string }>;
  close(): Promise<void>;
}

export async function startServer(config: Readonly<Config>, logger: Logger): Promise<RunningServer> {
  const dataDir = path.resolve(config.data_dir);
  const telemetry = new Telemetry();
  const storage = STORAGE_BACKENDS[config.server.storage_backend](dataDir);
  const tokens = new TokenStore(path.join(dataDir, 'server'));
  const admin = ensureAdminToken(tokens, dataDir, config.server.admin_token);
  const adminUser = await ensureAdminUser(tokens, dataDir);
  const limited = componentCounters(telemetry, 'api', 'rate_limit');
  tokens.limiter = new RateLimiter(config.server.auth.rate_limit, () => limited.discarded('rate_limited', 1));
  const started = Date.now();
  const stopRetention = startRetention(
    storage,
    { retentionDays: config.server.retention_days, config: config.server.retention, tenants: tokens.tenants },
    logger,
  );
  // With etcd, the registered agents are the nodes that should be reporting.
  const agents = config.etcd.endpoints.length ? new AgentDirectory(config.etcd, logger) : undefined;
  agents?.start();
  const expectedHosts = agents && (() => agents.list().map((a) => ({ host: a.host, since: a.seen_at })));
  const patterns = new PatternService(
    storage,
    config.server.patterns,
    componentCounters(telemetry, 'patterns', 'miner'),
    logger,
  );
  const stopPatternMetrics = patterns.report(telemetry);
  const alerting = startAlerting({
    config: config.server.alerting,
    storage,
    dataDir,
    telemetry,
    logger,
    ...(expectedHosts ? { expectedHosts } : {}),
  });

  const tls = config.server.tls && httpsSetup(config.server.tls);
  const app = createApp(config, tls);
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  errorHandling(app, logger);
  const store = new BatchStore(storage, {
    patterns,
    onStored: (tenant, batch) => alerting.nudge(tenant, batch),
  });
  nativeIngest(app, {
    store,
    tokens,
    counters: componentCounters(telemetry, 'ingest', 'native'),
    maxBodyBytes: config.server.max_body_bytes,
    maxBatchBytes: config.server.max_batch_bytes,
  });
  const compatLimits = {
    maxBodyBytes: config.server.max_body_bytes,
    maxBatchBytes: config.server.max_batch_bytes,
  };
  elasticsearchIngest(app, {
    store,
    tokens,
    counters: componentCounters(telemetry, 'ingest', 'elasticsearch'),
    ...compatLimits,
  });
  remoteWriteIngest(app, {
    store,
    tokens,
    counters: componentCounters(telemetry, 'ingest', 'remote_write'),
    ...compatLimits,
  });
  queryRoutes(app, storage, tokens);
  logRoutes(app, storage, tokens);
  patternRoutes(app, storage, tokens);
  tailRoutes(app, { storage, tokens, counters: componentCounters(telemetry, 'api', 'tail') });
  alertRoutes(app, alerting, tokens);
  agentRoutes(app, { storage, tokens, agents });
  statusRoutes(app, { dataDir, storage, tokens, startedTs: started });
  authRoutes(app, tokens, config.server.auth.session_ttl_ms);
  adminRoutes(app, tokens, storage);
  alertPreviewRoutes(app, storage, tokens);
  overviewRoutes(app, { storage, alerting, tokens });
  app.get('/healthz', () => ({ status: 'ok', version: VERSION, uptime_ms: Date.now() - started }));
  app.get('/metrics', (_request, reply) => reply.type('text/plain; version=0.0.4').send(telemetry.render()));
  const webBuilt = await webRoutes(app);

  await app.listen({ port: config.server.port, host: config.server.listen_address });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.listen_address === '0.0.0.0' ? '127.0.0.1' : config.server.listen_address;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, data_dir: dataDir, storage: storage.kind }, 'server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    tokens,
    telemetry,
    storage,
    admin,
    adminUser,
    webBuilt,
    ...(tls ? { tls } : {}),
    routes,
    close() {
      closing ??= (async () => {
        stopRetention();
        await app.close();
        // Before storage: a rule evaluation in flight still reads from it.
        await alerting.close();
        await agents?.close();
        stopPatternMetrics();
        await patterns.close();
        await storage.close();
        tokens.close();
        logger.info('server stopped');
      })();
      return closing;
    },
  };
}

/** Routes only see requests; whether they came over TLS does not change their types. */
function createApp(config: Readonly<Config>, tls: HttpsSetup | undefined): FastifyInstance {
  const options = { logger: false, bodyLimit: config.server.max_body_bytes, forceCloseConnections: true };
  if (!tls) return Fastify(options);
  try {
    return Fastify({ ...options, https: tls.options });
  } catch (cause) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      `server.tls: cannot use ${config.server.tls?.cert_file} with ${config.server.tls?.key_file}: ${(cause as Error).message} (is the key the certificate's own?)`,
      { cause },
    );
  }
}

import path from 'node:path';
import Fastify from 'fastify';
import type { Config } from '../config/index.ts';
import type { Logger } from '../core/logger.ts';
import { componentCounters, Telemetry } from '../core/telemetry.ts';
import { VERSION } from '../version.ts';
import { startAlerting } from './alerting/engine.ts';
import { alertPreviewRoutes } from './api/alert-preview-routes.ts';
import { alertRoutes } from './api/alert-routes.ts';
import { errorHandling } from './api/errors.ts';
import { logRoutes } from './api/log-routes.ts';
import { queryRoutes } from './api/query-routes.ts';
import { tailRoutes } from './api/tail-routes.ts';
import { webRoutes } from './api/web.ts';
import { ensureAdminToken } from './auth/admin-token.ts';
import { TokenStore } from './auth/token-store.ts';
import { nativeIngest } from './ingest/native.ts';
import type { StorageBackend } from './storage/backend.ts';
import { STORAGE_BACKENDS } from './storage/registry.ts';
import { startRetention } from './storage/retention.ts';

export interface RunningServer {
  /** Base URL on the bound address, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly port: number;
  readonly tokens: TokenStore;
  readonly telemetry: Telemetry;
  readonly storage: StorageBackend;
  readonly admin: ReturnType<typeof ensureAdminToken>;
  readonly webBuilt: boolean;
  close(): Promise<void>;
}

export async function startServer(config: Readonly<Config>, logger: Logger): Promise<RunningServer> {
  const dataDir = path.resolve(config.data_dir);
  const telemetry = new Telemetry();
  const storage = STORAGE_BACKENDS[config.server.storage_backend](dataDir);
  const tokens = new TokenStore(path.join(dataDir, 'server'));
  const admin = ensureAdminToken(tokens, dataDir, config.server.admin_token);
  const started = Date.now();
  const stopRetention = startRetention(storage, config.server.retention_days, logger);
  const alerting = startAlerting({ config: config.server.alerting, storage, dataDir, telemetry, logger });

  const app = Fastify({
    logger: false,
    bodyLimit: config.server.max_body_bytes,
    forceCloseConnections: true,
  });
  errorHandling(app, logger);
  nativeIngest(app, {
    storage,
    tokens,
    counters: componentCounters(telemetry, 'ingest', 'native'),
    maxBodyBytes: config.server.max_body_bytes,
    maxBatchBytes: config.server.max_batch_bytes,
  });
  queryRoutes(app, storage, tokens);
  logRoutes(app, storage, tokens);
  tailRoutes(app, { storage, tokens, counters: componentCounters(telemetry, 'api', 'tail') });
  alertRoutes(app, alerting, tokens);
  alertPreviewRoutes(app, storage, tokens);
  app.get('/healthz', () => ({ status: 'ok', version: VERSION, uptime_ms: Date.now() - started }));
  app.get('/metrics', (_request, reply) => reply.type('text/plain; version=0.0.4').send(telemetry.render()));
  const webBuilt = await webRoutes(app);

  await app.listen({ port: config.server.port, host: config.server.listen_address });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.listen_address === '0.0.0.0' ? '127.0.0.1' : config.server.listen_address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, data_dir: dataDir, storage: storage.kind }, 'server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    tokens,
    telemetry,
    storage,
    admin,
    webBuilt,
    close() {
      closing ??= (async () => {
        stopRetention();
        await app.close();
        // Before storage: a rule evaluation in flight still reads from it.
        await alerting.close();
        await storage.close();
        tokens.close();
        logger.info('server stopped');
      })();
      return closing;
    },
  };
}

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Config } from '../config/index.ts';
import { BirdseyeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ClientTls } from '../core/tls-client.ts';
import { Telemetry } from '../core/telemetry.ts';
import { VERSION } from '../version.ts';
import { detectEnvironment, type Finding } from './detect.ts';
import { Pipeline } from './pipeline.ts';
import { BatchSequence } from './sequence.ts';
import { SINKS } from './sinks/registry.ts';
import type { Sink } from './sinks/sink.ts';
import type { Source } from './sources/source.ts';
import { SOURCES } from './sources/registry.ts';
import { agentStatus, type AgentStatus } from './status/agent-status.ts';
import { startSelfReport } from './status/self-report.ts';
import { rememberedTenants, rememberTenant } from './tenants.ts';

export interface AgentOptions {
  /** Shared with the server in `birdseye up`, so one /metrics shows both. */
  telemetry?: Telemetry;
  /** Overrides config.agent.server_url / token (used by `birdseye up`). */
  serverUrl?: string;
  token?: string;
  /** Overrides agent.tls: how the sink verifies the server (used by `birdseye up`). */
  tls?: ClientTls;
}

export interface RunningAgent {
  readonly findings: Finding[];
  readonly sources: readonly Source[];
  /** Where /healthz and /metrics are served, if the agent serves them itself. */
  readonly url?: string;
  /** What `/status` and `birdseye agent status` show. */
  status(): AgentStatus;
  /** Stops sources, ships what is queued (bounded wait), closes the sink. Safe to call twice. */
  close(): Promise<void>;
}

const SHUTDOWN_DEADLINE_MS = 5_000;

/** Serves /healthz, /metrics and /status; exported for the etcd-driven agent, which keeps one across reloads. */
export function telemetryServer(
  telemetry: Telemetry,
  status: () => AgentStatus,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/status') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
    } else if (request.url === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(telemetry.render());
    } else if (request.url === '/healthz') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'ok', version: VERSION }));
    } else response.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export async function startAgent(
  config: Readonly<Config>,
  logger: Logger,
  options: AgentOptions = {},
): Promise<RunningAgent> {
  const serverUrl = options.serverUrl ?? config.agent.server_url;
  const token = options.token ?? config.agent.token;
  const extraSinkKinds = Object.keys(SINKS).filter(
    (kind) => kind !== 'birdseye' && config.agent.sinks[kind as keyof Config['agent']['sinks']],
  );
  if (!serverUrl && extraSinkKinds.length === 0) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      'agent.server_url is not set: pass --server URL (or BIRDSEYE_SERVER), or configure another sink under agent.sinks',
    );
  }
  if (!token) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      "agent.token is not set: pass --token TOKEN (or BIRDSEYE_TOKEN); the server's admin token is in its <data-dir>/admin-token",
    );
  }
  const startedTs = Date.now();
  const telemetry = options.telemetry ?? new Telemetry();
  const log = logger.child({ component: 'agent' });
  const stateDir = path.join(path.resolve(config.data_dir), 'agent');
  const sequence = new BatchSequence(stateDir);

  const tenants: { open?: (token: string) => Promise<Pipeline> } = {};
  const opening = new Map<string, Promise<Pipeline>>();
  const context = {
    hostName: config.host_name,
    log,
    stateDir,
    telemetry,
    tenant: async (sourceId: string, sourceToken: string) => {
      const pipeline = await tenants.open!(sourceToken);
      return { emit: pipeline.emitFor(sourceId), flow: pipeline.flow(sourceId) };
    },
  };
  const sources = Object.values(SOURCES)
    .flatMap((create) => create(config, context) ?? [])
    .filter((s): s is Source => s !== undefined);

  // One pipeline (and disk buffer) per token: a gateway listener with its own token ships into that
  // token's tenant. Buffer directories are named after a hash of the token, so what a restart finds
  // buffered always goes out with the token it was collected for.
  const pipelines = new Map<string, { pipeline: Pipeline; sinks: Sink[] }>();
  const status = () =>
    agentStatus({
      version: VERSION,
      hostName: config.host_name,
      serverUrl: serverUrl ?? '',
      startedTs,
      telemetry,
      sources,
      pipelines: [...pipelines.values()].map((p) => p.pipeline),
    });
  let stopSelfReport = () => {};
  const stopAll = async () => {
    stopSelfReport();
    await Promise.all(sources.map((s) => s.stop()));
    await Promise.allSettled(opening.values());
    await Promise.all([...pipelines.values()].map(({ pipeline }) => pipeline.stop(SHUTDOWN_DEADLINE_MS)));
    await Promise.all([...pipelines.values()].flatMap(({ sinks }) => sinks.map((sink) => sink.close())));
  };
  const bufferDir = path.join(stateDir, 'buffer');
  const open = async (sourceToken: string | undefined) => {
    const key = sourceToken ?? token;
    // The Birdseye server first (when set), then every other configured sink, each for this token.
    const target = {
      serverUrl: serverUrl ?? '',
      token: key,
      telemetry,
      log,
      ...(options.tls ? { tls: options.tls } : {}),
    };
    const sinks = Object.entries(SINKS)
      .filter(([kind]) => (kind === 'birdseye' ? serverUrl !== undefined : extraSinkKinds.includes(kind)))
      .map(([, create]) => create(config, target))
      .filter((s): s is Sink => s !== undefined);
    const [sink, ...extraSinks] = sinks as [Sink, ...Sink[]];
    const pipeline = await Pipeline.open({
      id:
        sourceToken === undefined
          ? 'default'
          : `token-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`,
      sink,
      extraSinks,
      sequence,
      hostName: config.host_name,
      version: VERSION,
      telemetry,
      log,
      bufferDir,
      buffer: config.agent.buffer,
      maxQueueEvents: config.agent.max_queue_events,
      batchMaxEvents: config.agent.batch_max_events,
      batchMaxWaitMs: config.agent.batch_max_wait_ms,
      batchGzipLevel: config.agent.batch_gzip_level,
      retryInitialBackoffMs: config.agent.retry_initial_backoff_ms,
      retryMaxBackoffMs: config.agent.retry_max_backoff_ms,
      catchUpLogIntervalMs: config.agent.catch_up_log_interval_ms,
    });
    pipelines.set(key, { pipeline, sinks });
    return pipeline;
  };
  // Tokens a source asks for while running (a container's label): opened once, remembered on disk.
  tenants.open = (sourceToken: string) => {
    const known = pipelines.get(sourceToken);
    if (known) return Promise.resolve(known.pipeline);
    let pipeline = opening.get(sourceToken);
    if (!pipeline) {
      pipeline = (async () => {
        rememberTenant(bufferDir, sourceToken);
        return open(sourceToken);
      })();
      // A failed open (disk full) is tried again by the next request.
      pipeline.catch(() => opening.delete(sourceToken));
      opening.set(sourceToken, pipeline);
    }
    return pipeline;
  };
  try {
    const configured = [undefined, ...sources.map((s) => s.token)];
    for (const sourceToken of new Set([...configured, ...rememberedTenants(bufferDir)])) {
      if (sourceToken === undefined || !pipelines.has(sourceToken)) await open(sourceToken);
    }
    for (const source of sources) {
      const { pipeline } = pipelines.get(source.token ?? token)!;
      source.start(pipeline.emitFor(source.id), pipeline.flow(source.id));
    }
    await Promise.all(sources.map((s) => s.ready?.() ?? Promise.resolve()));
    stopSelfReport = startSelfReport(
      pipelines.get(token)!.pipeline.emitFor('self'),
      status,
      telemetry,
      config.agent.host_metrics.interval_ms,
    );
  } catch (error) {
    await stopAll();
    throw error;
  }

  let http: Server | undefined;
  if (!options.telemetry && config.agent.port !== 0) {
    http = await telemetryServer(telemetry, status, config.agent.port, config.agent.listen_address);
  }
  const address = http?.address();
  const url =
    address && typeof address === 'object'
      ? `http://${config.agent.listen_address}:${address.port}`
      : undefined;
  log.info(
    {
      server: serverUrl,
      sinks: extraSinkKinds,
      host: config.host_name,
      sources: sources.map((s) => s.id),
      metrics_url: url,
    },
    'agent started',
  );

  let closing: Promise<void> | undefined;
  return {
    findings: detectEnvironment(config.agent.host_metrics.proc_root),
    sources,
    ...(url ? { url } : {}),
    status,
    close() {
      closing ??= (async () => {
        await stopAll();
        if (http) await new Promise((resolve) => http.close(resolve));
        log.info('agent stopped');
      })();
      return closing;
    },
  };
}

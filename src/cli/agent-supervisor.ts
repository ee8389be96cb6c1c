import type { Server } from 'node:http';
import { startAgent, telemetryServer, type RunningAgent } from '../agent/agent.ts';
import { HeapMode } from '../agent/heap-mode.ts';
import type { Config } from '../config/index.ts';
import type { LiveConfig } from '../config/etcd/live-config.ts';
import { agentStatus, type AgentStatus } from '../agent/status/agent-status.ts';
import { AgentRegistrar } from '../config/etcd/registration.ts';
import { BirdseyeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { Telemetry } from '../core/telemetry.ts';
import { VERSION } from '../version.ts';

/**
 * An agent whose config follows etcd. A change to the agent's settings restarts the in-process
 * agent with the new config: the old one stops its sources, ships what it can within its deadline
 * and leaves the rest in the disk buffer; the new one reopens that buffer (batch ids continue from
 * the saved sequence, so the server stores each batch once) and the sources resume from their
 * saved cursors and positions. Nothing accepted is lost or duplicated; the gateway refuses
 * connections for the moment in between. /metrics stays up with the same counters throughout.
 */
export interface SupervisedAgent {
  readonly agent: RunningAgent | undefined;
  readonly url: string | undefined;
  /** Why the agent is not running (e.g. agent.server_url not set yet), if it is not. */
  readonly waiting: string | undefined;
  close(): Promise<void>;
}

function agentPart(config: Readonly<Config>): string {
  return JSON.stringify([config.agent, config.host_name]);
}

export async function superviseAgent(live: LiveConfig, logger: Logger): Promise<SupervisedAgent> {
  const telemetry = new Telemetry();
  const log = logger.child({ component: 'agent-supervisor' });
  let config = live.current.config;
  let agent: RunningAgent | undefined;
  let waiting: string | undefined;
  let http: Server | undefined;
  let url: string | undefined;
  const client = live.etcdClient;
  const registrar = client
    ? new AgentRegistrar(
        client,
        live.prefix,
        config.host_name,
        live.etcd.lease_ttl_ms,
        live.etcd.retry_interval_ms,
        log,
      )
    : undefined;
  // The agent runs beside the workloads: small heap while it takes in few lines (heap-mode.ts).
  const heap = new HeapMode(
    () => telemetry.sum('agent_received_log_records_total'),
    (mode, perSecond) => log.debug({ mode, lines_per_s: Math.round(perSecond) }, 'heap mode'),
  ).start();
  const startedAt = new Date().toISOString();
  const startedTs = Date.now();
  // Between reloads (or while waiting for settings) /status shows an agent with nothing running.
  const status = (): AgentStatus =>
    agent?.status() ??
    agentStatus({
      version: VERSION,
      hostName: config.host_name,
      serverUrl: config.agent.server_url ?? '',
      startedTs,
      telemetry,
      sources: [],
      pipelines: [],
    });

  const register = () => {
    const gateway = config.agent.gateway;
    registrar?.update({
      host: config.host_name,
      version: VERSION,
      started_at: startedAt,
      gateway: gateway.port === 0 ? undefined : { address: gateway.bind_address, port: gateway.port },
      metrics_url: url,
      config_revision: live.revision,
    });
  };

  const serveMetrics = async (next: Readonly<Config>, previous?: Readonly<Config>) => {
    if (
      previous &&
      previous.agent.port === next.agent.port &&
      previous.agent.listen_address === next.agent.listen_address
    )
      return;
    if (http) await new Promise((resolve) => http!.close(resolve));
    http = undefined;
    url = undefined;
    if (next.agent.port === 0) return;
    http = await telemetryServer(telemetry, status, next.agent.port, next.agent.listen_address);
    const address = http.address();
    if (address && typeof address === 'object') url = `http://${next.agent.listen_address}:${address.port}`;
  };

  /** Starts the agent; a config that cannot run yet (no server URL) waits for the next change. */
  const start = async (next: Readonly<Config>): Promise<void> => {
    try {
      agent = await startAgent(next, logger, { telemetry });
      waiting = undefined;
    } catch (error) {
      if (!(error instanceof BirdseyeError && error.code === 'BE_CONFIG_INVALID' && client)) throw error;
      waiting = error.message;
      log.warn({ err: error.message }, 'agent waits for its settings from etcd');
    }
  };

  await serveMetrics(config);
  await start(config);
  register();

  let queue = Promise.resolve();
  live.onChange(({ config: next }) => {
    queue = queue
      .then(async () => {
        const previous = config;
        config = next;
        logger.level = next.log_level;
        if (agentPart(previous) === agentPart(next) && !waiting) return register();
        log.info({ revision: live.revision }, 'agent settings changed: restarting the agent with them');
        await agent?.close();
        agent = undefined;
        try {
          await serveMetrics(next, previous);
          await start(next);
          telemetry.add('birdseye_agent_restarts_total', 'in-process agent restarts for a config change', {});
        } catch (error) {
          log.error(
            { err: (error as Error).message },
            'the new settings do not run; going back to the previous ones',
          );
          config = previous;
          await serveMetrics(previous, next).catch(() => undefined);
          await start(previous).catch((again: unknown) =>
            log.error({ err: (again as Error).message }, 'the previous settings do not run either'),
          );
        }
        register();
      })
      .catch((error: unknown) => log.error({ err: (error as Error).message }, 'config reload failed'));
  });

  let closing: Promise<void> | undefined;
  return {
    get agent() {
      return agent;
    },
    get url() {
      return url;
    },
    get waiting() {
      return waiting;
    },
    close() {
      closing ??= (async () => {
        // The registration goes first, while the etcd client is still open: a clean stop is not an outage.
        await registrar?.close();
        await live.close();
        await queue;
        await agent?.close();
        heap.stop();
        if (http) await new Promise((resolve) => http!.close(resolve));
      })();
      return closing;
    },
  };
}

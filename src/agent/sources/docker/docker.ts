import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { componentCounters, Telemetry, type ComponentCounters } from '../../../core/telemetry.ts';
import { backoffMs } from '../../retry.ts';
import type { Emit, Flow, Source, SourceContext } from '../source.ts';
import { ContainerCatalog, type ContainerInfo } from './catalog.ts';
import type { DockerConfig } from './config.ts';
import { ContainerMetrics } from './container-metrics.ts';
import { EngineClient } from './engine-client.ts';
import { describeEndpoint, resolveEndpoint, type DockerEndpoint } from './endpoint.ts';
import { readEvents, type ReadEvent } from './events.ts';
import { LogFollower } from './log-follower.ts';
import { ReadPacer } from './paced-stream.ts';
import { logsWanted, TOKEN_LABEL } from './log-filter.ts';
import { encodePosition, EVENTS_KEY, PositionStore } from './position-store.ts';
import type { IncomingMessage } from 'node:http';

/**
 * The node's Docker engine: container metrics from cgroups every interval, the event stream, and
 * every container's logs. One event connection serves all three: it refreshes the container
 * catalog, starts following the logs of each container that starts, and (when enabled) is
 * forwarded as ClusterEvents. A daemon that goes away is waited for with backoff; metrics and
 * logs catch up when it is back, the events from `since` the last one delivered.
 */

export function dockerSource(config: DockerConfig, context: SourceContext): DockerSource | undefined {
  if (config.enabled === false) return undefined;
  const endpoint = resolveEndpoint(config);
  // A TCP daemon cannot be checked without connecting; naming one is asking for it.
  if (config.enabled === 'auto' && endpoint.kind === 'unix' && !existsSync(endpoint.socketPath))
    return undefined;
  return new DockerSource(config, context, endpoint);
}

export class DockerSource implements Source {
  readonly kind = 'docker';
  readonly id = 'docker';
  readonly telemetry: Telemetry;
  readonly positions: PositionStore;
  private readonly counters: ComponentCounters;
  private readonly client: EngineClient;
  private readonly catalog: ContainerCatalog;
  private readonly metrics: ContainerMetrics;
  private readonly followers = new Map<string, LogFollower>();
  private readonly pacer: ReadPacer;
  private readonly tasks = new Set<Promise<unknown>>();
  private emit!: Emit;
  private flow!: Flow;
  private timer: NodeJS.Timeout | undefined;
  private events: IncomingMessage | undefined;
  private lastEvent: ReadEvent['position'] | undefined;
  private stopped = false;
  private warned = false;

  constructor(
    private readonly config: DockerConfig,
    private readonly context: SourceContext,
    private readonly endpoint: DockerEndpoint = resolveEndpoint(config),
  ) {
    this.telemetry = context.telemetry ?? new Telemetry();
    this.counters = componentCounters(this.telemetry, 'source', this.id);
    this.client = new EngineClient({ endpoint: this.endpoint, timeoutMs: config.request_timeout_ms });
    this.catalog = new ContainerCatalog(this.client);
    this.metrics = new ContainerMetrics(config.cgroup_root, config.proc_root);
    // What a round read is batched at once instead of `batch_max_wait_ms` later: the lines leave
    // sooner, and the collector does not copy them around meanwhile (held for the wait, they were
    // most of what each scavenge had to copy).
    this.pacer = new ReadPacer(config.logs.read_interval_ms, () => {
      for (const flow of new Set([...this.followers.values()].map((follower) => follower.flow)))
        flow.flush?.();
    });
    this.positions = new PositionStore(path.join(context.stateDir, 'docker.positions.json'), (error) => {
      this.counters.error('commit', 'position_write');
      context.log.warn({ err: error }, 'docker: cannot save positions; a restart would repeat entries');
    });
  }

  describe(): string {
    return `docker: ${describeEndpoint(this.endpoint)}`;
  }

  start(emit: Emit, flow: Flow): void {
    this.emit = emit;
    this.flow = flow;
    this.track(
      (async () => {
        await mkdir(this.context.stateDir, { recursive: true });
        await this.positions.load();
        this.positions.recover(this.flow.recoveredCheckpoints);
        this.track(this.followEvents());
        await this.tick();
      })(),
    );
  }

  private track<T>(task: Promise<T>): void {
    const settled = task.catch((error: unknown) => this.problem('start', error));
    this.tasks.add(settled);
    void settled.finally(() => this.tasks.delete(settled));
  }

  /** One interval: refresh the catalog, follow new containers' logs, report metrics. */
  private async tick(): Promise<void> {
    try {
      const containers = await this.catalog.refresh();
      this.up(true);
      for (const info of containers) this.follow(info);
      if (this.config.metrics.enabled && !this.stopped) {
        const metrics = this.metrics.collect(containers, this.context.hostName);
        this.counters.received(metrics.length);
        this.emit({ metrics });
      }
    } catch (error) {
      this.problem('collect', error);
    }
    if (!this.stopped) this.timer = setTimeout(() => this.track(this.tick()), this.config.interval_ms);
  }

  private follow(info: ContainerInfo): void {
    if (!this.config.logs.enabled || !info.running || this.stopped || this.followers.has(info.id)) return;
    if (!logsWanted(info, this.config.logs)) return;
    // Taken at once, so a second start event while the tenant's pipeline opens finds it followed.
    const follower = new LogFollower(info, {
      client: this.client,
      config: this.config.logs,
      host: this.context.hostName,
      positions: this.positions,
      emit: this.emit,
      flow: this.flow,
      counters: this.counters,
      pacer: this.pacer,
    });
    this.followers.set(info.id, follower);
    this.track(
      this.routed(follower)
        .then(() => follower.run())
        .catch((error: unknown) => this.problem('logs', error))
        .finally(() => this.followers.delete(info.id)),
    );
  }

  /** Points a follower of a container labelled `birdseye.token` at that tenant's pipeline. */
  private async routed(follower: LogFollower): Promise<void> {
    const token = follower.info.labels[TOKEN_LABEL];
    if (!token || !this.context.tenant) return;
    const tenant = await this.context.tenant(this.id, token);
    // That pipeline's buffer may hold this container's newest position (see position-store.ts).
    this.positions.recover(tenant.flow.recoveredCheckpoints);
    follower.route(tenant.emit, tenant.flow);
  }

  private async followEvents(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await readEvents(
          this.client,
          this.context.hostName,
          this.lastEvent ?? this.positions.events,
          (response) => {
            this.events = response;
            attempt = 0;
            this.up(true);
          },
          (events) => this.onEvents(events),
        );
      } catch (error) {
        if (!this.stopped) this.problem('events', error);
      }
      if (this.stopped) return;
      const delay = backoffMs(
        attempt,
        this.config.reconnect_initial_backoff_ms,
        this.config.reconnect_max_backoff_ms,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private onEvents(events: ReadEvent[]): Promise<void> | undefined {
    this.lastEvent = events.at(-1)!.position;
    for (const { raw, event } of events) {
      const id = raw.Actor?.ID;
      if (event.kind !== 'container' || id === undefined) continue;
      this.catalog.invalidate(id);
      if (event.action === 'start')
        this.track(this.catalog.inspect(id).then((info) => info && this.follow(info)));
      if (event.action === 'destroy') this.positions.forget(id);
    }
    if (!this.config.events.enabled) return undefined;
    return this.emitEvents(events);
  }

  private async emitEvents(events: ReadEvent[]): Promise<void> {
    for (let wait = this.flow.room(events.length); wait; wait = this.flow.room(events.length)) await wait;
    const position = events.at(-1)!.position;
    const accepted = this.emit(
      { events: events.map((e) => e.event), checkpoint: encodePosition(position), checkpointKey: EVENTS_KEY },
      () => this.positions.commitEvents(position),
    );
    if (accepted) this.counters.received(events.length);
    else this.counters.error('emit', 'refused');
  }

  private up(value: boolean): void {
    this.telemetry.set(
      'docker_up',
      'Whether the Docker engine answered the last call (1) or not (0).',
      {},
      value ? 1 : 0,
    );
    if (value) this.warned = false;
  }

  /** Counts every failure; logs the daemon going away once until it is back. */
  private problem(stage: string, error: unknown): void {
    this.counters.error(stage, 'docker_api');
    this.up(false);
    if (this.warned || this.stopped) return;
    this.warned = true;
    this.context.log.warn({ err: error, stage }, 'docker: the engine did not answer; retrying');
  }

  /** Stops reading and waits for pending emits and position writes. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.events?.destroy();
    for (const follower of this.followers.values()) follower.stop();
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
    this.pacer.close();
    this.positions.flush();
    this.client.close();
  }
}

import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from '../../core/logger.ts';
import { AGENTS_DIR } from './keys.ts';

/** What an agent publishes under `agents/<host-name>` while it runs. */
export interface AgentRegistration {
  readonly host: string;
  readonly version: string;
  readonly started_at: string;
  /** Where the gateway takes lines (tcp://address:port), when it is on. */
  readonly gateway?: { readonly address: string; readonly port: number } | undefined;
  readonly metrics_url?: string | undefined;
  /** The etcd revision the agent's config reflects. */
  readonly config_revision?: string | undefined;
}

/**
 * Keeps `agents/<host-name>` in etcd, attached to a lease the client renews while the agent runs.
 * An agent that dies stops renewing and its key disappears a TTL later; one that stops cleanly
 * revokes the lease at once. A lost lease (etcd was down longer than the TTL) is granted again.
 */
export class AgentRegistrar {
  private lease: Lease | undefined;
  private info: AgentRegistration | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly key: string;

  constructor(
    private readonly client: Etcd3,
    prefix: string,
    host: string,
    private readonly ttlMs: number,
    private readonly retryMs: number,
    private readonly log: Logger,
  ) {
    this.key = `${prefix}${AGENTS_DIR}${host}`;
  }

  /** Publishes (or republishes) the registration; failures are retried in the background. */
  update(info: AgentRegistration): void {
    this.info = info;
    this.publish();
  }

  private publish(): void {
    if (this.closed || !this.info) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const info = this.info;
    const lease = (this.lease ??= this.grant());
    lease
      .put(this.key)
      .value(JSON.stringify(info))
      .exec()
      .then(
        () => this.log.debug({ key: this.key }, 'agent registered'),
        (error: unknown) => {
          this.log.warn(
            { err: (error as Error).message, key: this.key },
            'cannot register in etcd; retrying',
          );
          this.retry();
        },
      );
  }

  private grant(): Lease {
    const lease = this.client.lease(Math.max(2, Math.round(this.ttlMs / 1000)));
    lease.on('lost', (error) => {
      if (this.lease !== lease) return;
      this.log.warn({ err: error.message }, 'etcd lease of the agent registration lost; registering again');
      this.lease = undefined;
      this.retry();
    });
    return lease;
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    if (this.lease?.revoked()) this.lease = undefined;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publish();
    }, this.retryMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await this.lease?.revoke().catch(() => this.lease?.release());
  }
}

import type { Watcher } from 'etcd3';
import type { Logger } from '../../core/logger.ts';
import { connectEtcd } from './client.ts';
import { prefixOf, type EtcdConfig } from './config.ts';
import { AGENTS_DIR } from './keys.ts';
import type { AgentRegistration } from './registration.ts';

/** A registration as the server sees it, with when this server first saw it. */
export interface KnownAgent extends AgentRegistration {
  readonly seen_at: number;
  /** false once the lease ran out or was revoked: the node should report but no agent runs. */
  readonly registered: boolean;
}

/**
 * The server's view of `agents/`: the nodes that should be reporting. Read at start, then watched;
 * while etcd is unreachable the last view stays and a fresh read is retried. A node whose
 * registration goes away stays listed (registered: false) until this server restarts, so a node
 * that never reported can still be missed.
 */
export class AgentDirectory {
  private agents = new Map<string, KnownAgent>();
  private watcher: Watcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly client;
  private readonly dir: string;

  constructor(
    private readonly etcd: EtcdConfig,
    private readonly log: Logger,
  ) {
    this.client = connectEtcd(etcd);
    this.dir = `${prefixOf(etcd.cluster)}${AGENTS_DIR}`;
  }

  list(): KnownAgent[] {
    return [...this.agents.values()].sort((a, b) => a.host.localeCompare(b.host));
  }

  start(): void {
    this.sync().catch((error: unknown) => {
      this.log.warn({ err: (error as Error).message }, 'cannot read agent registrations from etcd; retrying');
      this.retry();
    });
  }

  private parse(key: string, value: string): KnownAgent | undefined {
    try {
      const info = JSON.parse(value) as AgentRegistration;
      return {
        ...info,
        host: key.slice(this.dir.length),
        seen_at: this.agents.get(key.slice(this.dir.length))?.seen_at ?? Date.now(),
        registered: true,
      };
    } catch {
      return undefined;
    }
  }

  private async sync(): Promise<void> {
    const response = await this.client.getAll().prefix(this.dir).exec();
    const next = new Map<string, KnownAgent>();
    for (const [host, agent] of this.agents) next.set(host, { ...agent, registered: false });
    for (const kv of response.kvs) {
      const agent = this.parse(kv.key.toString(), kv.value.toString());
      if (agent) next.set(agent.host, agent);
    }
    this.agents = next;
    const watcher = await this.client
      .watch()
      .prefix(this.dir)
      .startRevision(String(BigInt(response.header.revision) + 1n))
      .create();
    if (this.closed) {
      await watcher.cancel();
      return;
    }
    this.watcher = watcher;
    watcher.on('put', (kv) => {
      const agent = this.parse(kv.key.toString(), kv.value.toString());
      if (agent) this.agents.set(agent.host, agent);
    });
    watcher.on('delete', (kv) => {
      const host = kv.key.toString().slice(this.dir.length);
      const agent = this.agents.get(host);
      if (agent) this.agents.set(host, { ...agent, registered: false });
    });
    watcher.on('error', () => {
      watcher.cancel().catch(() => undefined);
      this.retry();
    });
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, this.etcd.retry_interval_ms);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher?.cancel().catch(() => undefined);
    this.client.close();
  }
}

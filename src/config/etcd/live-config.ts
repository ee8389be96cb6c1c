import type { Etcd3, Watcher } from 'etcd3';
import type { Logger } from '../../core/logger.ts';
import type { Telemetry } from '../../core/telemetry.ts';
import { resolveConfig, type LoadOptions, type ResolvedConfig } from '../load.ts';
import { cacheFileOf, readCache, writeCache } from './cache.ts';
import { connectEtcd, etcdError } from './client.ts';
import { prefixOf, type EtcdConfig } from './config.ts';
import { encodeValue } from './keys.ts';
import { buildLayer, type EtcdSnapshot } from './layer.ts';
import { readSnapshot } from './snapshot.ts';

/**
 * A node's effective config, kept current from etcd.
 *
 * Start: read the prefix; if etcd does not answer, use the last good settings cached under the data
 * dir (or none: the file alone) and retry in the background until it answers. Then watch the
 * prefix from the revision read + 1; the client resumes a broken watch from the last revision it
 * saw, and a watch etcd cancels (e.g. compacted past it) is replaced by a fresh read and watch.
 * Every change rebuilds the config; a value that fails the schema is logged with its key and the
 * last good value stays; listeners hear only of changes to the effective config.
 */
export interface LiveConfigOptions {
  readonly load: LoadOptions;
  readonly logger: Logger;
  readonly telemetry?: Telemetry;
  /** false: read once at start (server, `up`); true: also watch and apply changes (agent). */
  readonly watch: boolean;
}

type Listener = (resolved: ResolvedConfig) => void;

export class LiveConfig {
  readonly etcd: EtcdConfig;
  readonly prefix: string;
  /** The etcd revision the current config reflects; undefined while running from the file alone. */
  revision: string | undefined;
  /** Where the etcd part of the current config came from. */
  source: 'etcd' | 'cache' | 'none' = 'none';
  private resolved: ResolvedConfig;
  private kvs = new Map<string, string>();
  private good = new Map<string, unknown>();
  private readonly reported = new Map<string, string>();
  private readonly listeners: Listener[] = [];
  private client: Etcd3 | undefined;
  private watcher: Watcher | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private applyTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly log: Logger;

  private constructor(private readonly options: LiveConfigOptions) {
    this.resolved = resolveConfig(options.load);
    this.etcd = this.resolved.config.etcd;
    this.prefix = prefixOf(this.etcd.cluster);
    this.log = options.logger.child({ component: 'etcd-config', prefix: this.prefix });
  }

  /** Resolves the config from the file, environment and flags, plus etcd when endpoints are set. */
  static async start(options: LiveConfigOptions): Promise<LiveConfig> {
    const live = new LiveConfig(options);
    if (live.etcd.endpoints.length > 0) await live.connect();
    return live;
  }

  get current(): ResolvedConfig {
    return this.resolved;
  }

  get cacheFile(): string {
    return cacheFileOf(this.resolved.config.data_dir);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  private async connect(): Promise<void> {
    this.client = connectEtcd(this.etcd);
    try {
      await this.resync();
    } catch (error) {
      const cached = readCache(this.cacheFile, this.prefix);
      this.log.warn(
        { err: etcdError(this.etcd, 'read settings', error).message, cache: cached ? this.cacheFile : null },
        cached
          ? `etcd unreachable: starting from the settings cached at ${cached.saved_at} (revision ${cached.revision}); retrying`
          : 'etcd unreachable and no cached settings: starting from the file and flags; retrying',
      );
      if (cached) {
        this.apply(cached, false);
        this.source = 'cache';
      }
      this.scheduleRetry();
    }
  }

  /** Reads the whole prefix, applies it and (when watching) watches from the next revision. */
  private async resync(): Promise<void> {
    const client = this.client!;
    const snapshot = await readSnapshot(client, this.prefix);
    if (this.closed) return;
    this.kvs = new Map(Object.entries(snapshot.kvs));
    this.apply(snapshot, true);
    this.source = 'etcd';
    if (!this.options.watch) return;
    const watcher = await client
      .watch()
      .prefix(this.prefix)
      .startRevision(String(BigInt(snapshot.revision) + 1n))
      .create();
    if (this.closed) {
      await watcher.cancel();
      return;
    }
    this.watcher = watcher;
    watcher.on('put', (kv) => {
      this.kvs.set(kv.key.toString().slice(this.prefix.length), kv.value.toString());
      this.revision = kv.mod_revision;
      this.scheduleApply();
    });
    watcher.on('delete', (kv) => {
      this.kvs.delete(kv.key.toString().slice(this.prefix.length));
      this.revision = kv.mod_revision;
      this.scheduleApply();
    });
    watcher.on('disconnected', (error: Error) =>
      this.log.warn({ err: error.message }, 'etcd watch interrupted; resuming from the last revision seen'),
    );
    watcher.on('connected', () => this.log.debug('etcd watch connected'));
    watcher.on('error', (error: Error) => {
      // etcd cancelled the watch (e.g. its revision was compacted): read everything again.
      this.log.warn({ err: error.message }, 'etcd watch cancelled; reading the settings again');
      if (this.watcher === watcher) this.watcher = undefined;
      watcher.cancel().catch(() => undefined);
      this.scheduleRetry(0);
    });
  }

  private scheduleRetry(delay = this.etcd.retry_interval_ms): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.resync().then(
        () => {
          if (!this.closed) this.log.info({ revision: this.revision }, 'etcd reachable: settings applied');
        },
        (error: unknown) => {
          this.log.debug({ err: (error as Error).message }, 'etcd still unreachable');
          this.scheduleRetry();
        },
      );
    }, delay);
  }

  /** Several events of one transaction arrive back to back; apply them together. */
  private scheduleApply(): void {
    if (this.applyTimer || this.closed) return;
    this.applyTimer = setTimeout(() => {
      this.applyTimer = undefined;
      this.apply({ revision: this.revision ?? '0', kvs: Object.fromEntries(this.kvs) }, true);
    }, 50);
  }

  private apply(snapshot: EtcdSnapshot, save: boolean): void {
    const host = this.resolved.config.host_name;
    const { layer, rejected, good } = buildLayer(snapshot, host, this.good);
    for (const { key, reason } of rejected) {
      const text = snapshot.kvs[key] ?? '';
      if (this.reported.get(key) === text) continue;
      this.reported.set(key, text);
      this.options.telemetry?.add('birdseye_config_rejected_total', 'etcd values rejected by the schema', {});
      this.log.error(
        { key: `${this.prefix}${key}`, value: /token|password/.test(key) ? '(hidden)' : text, reason },
        `etcd value ${this.prefix}${key} rejected: ${reason}; keeping the last good value`,
      );
    }
    for (const key of this.reported.keys())
      if (!rejected.some((r) => r.key === key)) this.reported.delete(key);
    let next: ResolvedConfig;
    try {
      next = resolveConfig({ ...this.options.load, etcd: layer, etcdPrefix: this.prefix });
    } catch (error) {
      this.options.telemetry?.add('birdseye_config_rejected_total', 'etcd values rejected by the schema', {});
      this.log.error(
        { err: (error as Error).message },
        'etcd settings rejected; keeping the last good config',
      );
      return;
    }
    this.good = good;
    this.revision = snapshot.revision;
    if (save) {
      const kvs = Object.fromEntries([...good].map(([k, v]) => [k, encodeValue(v)]));
      try {
        writeCache(this.cacheFile, this.prefix, { revision: snapshot.revision, kvs });
      } catch (error) {
        this.log.warn(
          { err: (error as Error).message, file: this.cacheFile },
          'cannot cache the etcd settings',
        );
      }
    }
    const changed = JSON.stringify(next.config) !== JSON.stringify(this.resolved.config);
    this.resolved = next;
    if (!changed || this.listeners.length === 0) return;
    this.options.telemetry?.add(
      'birdseye_config_reloads_total',
      'effective config changes applied from etcd',
      {},
    );
    this.log.info({ revision: snapshot.revision }, 'configuration changed');
    for (const listener of this.listeners) listener(next);
  }

  /** The etcd client, for registration; undefined without endpoints. */
  get etcdClient(): Etcd3 | undefined {
    return this.client;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.applyTimer);
    await this.watcher?.cancel().catch(() => undefined);
    this.client?.close();
  }
}

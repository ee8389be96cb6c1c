import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.ts';
import type { EtcdSnapshot } from './layer.ts';

/**
 * The last good etcd settings of this node, so an agent that starts while etcd is down runs with
 * what it ran with before rather than with the file alone. Written atomically: a crash leaves the
 * old copy or the new one.
 */
export interface CachedSnapshot extends EtcdSnapshot {
  readonly prefix: string;
  readonly saved_at: string;
}

export function cacheFileOf(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'agent', 'etcd-config.json');
}

export function readCache(file: string, prefix: string): CachedSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const cached = JSON.parse(text) as CachedSnapshot;
    // A cache of another cluster (the prefix changed) is not this node's last good config.
    if (cached.prefix !== prefix || typeof cached.kvs !== 'object' || cached.kvs === null) return undefined;
    return cached;
  } catch {
    return undefined;
  }
}

export function writeCache(file: string, prefix: string, snapshot: EtcdSnapshot): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const cached: CachedSnapshot = {
    prefix,
    revision: snapshot.revision,
    kvs: snapshot.kvs,
    saved_at: new Date().toISOString(),
  };
  writeFileAtomic(file, `${JSON.stringify(cached, null, 2)}\n`);
}

import { classifyKey, decodeValue, validateValue } from './keys.ts';

export type Tree = Record<string, unknown>;

/** The prefix's keys at one revision, keys relative to the prefix, values as stored. */
export interface EtcdSnapshot {
  readonly revision: string;
  readonly kvs: Readonly<Record<string, string>>;
}

/** What etcd contributes to one node's config: a partial config tree and each leaf's key. */
export interface EtcdLayer {
  readonly tree: Tree;
  /** Dotted config path → the etcd key (relative) it came from. */
  readonly keys: ReadonlyMap<string, string>;
}

export interface Rejection {
  readonly key: string;
  readonly reason: string;
}

export function isPlainObject(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Writes `value` at `path`, merging objects into objects (arrays and scalars replace). */
export function mergeAt(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Tree;
  }
  const last = path[path.length - 1]!;
  if (isPlainObject(value) && isPlainObject(node[last])) {
    for (const [k, v] of Object.entries(value)) mergeAt(node[last], [k], v);
  } else node[last] = isPlainObject(value) ? structuredClone(value) : value;
}

/** Every leaf path a value sets (objects are walked, arrays and scalars are leaves). */
export function leafPaths(path: readonly string[], value: unknown): string[][] {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return [[...path]];
  return Object.entries(value).flatMap(([k, v]) => leafPaths([...path, k], v));
}

/**
 * Builds this node's etcd layer: cluster-wide keys, then `hosts/<hostName>/` keys over them, each
 * shallower key before deeper ones so `agent/gateway/port` refines `agent/gateway`. A value that
 * fails its schema is rejected (and reported); its last good value, if any, stands in for it.
 */
export function buildLayer(
  snapshot: EtcdSnapshot,
  hostName: string,
  lastGood: ReadonlyMap<string, unknown> = new Map(),
): { layer: EtcdLayer; rejected: Rejection[]; good: Map<string, unknown> } {
  const entries: Array<{ key: string; path: string[]; rank: number }> = [];
  for (const key of Object.keys(snapshot.kvs)) {
    const target = classifyKey(key);
    if (target.kind === 'cluster') entries.push({ key, path: target.path, rank: 0 });
    else if (target.kind === 'host' && target.host === hostName)
      entries.push({ key, path: target.path, rank: 1 });
  }
  entries.sort((a, b) => a.rank - b.rank || a.path.length - b.path.length || a.key.localeCompare(b.key));

  const tree: Tree = {};
  const keys = new Map<string, string>();
  const rejected: Rejection[] = [];
  const good = new Map<string, unknown>();
  for (const { key, path } of entries) {
    let value = decodeValue(snapshot.kvs[key]!);
    const check = validateValue(path, value);
    if (!check.ok) {
      rejected.push({ key, reason: check.reason });
      if (!lastGood.has(key)) continue;
      value = lastGood.get(key);
    }
    good.set(key, value);
    mergeAt(tree, path, value);
    for (const leaf of leafPaths(path, value)) keys.set(leaf.join('.'), key);
  }
  return { layer: { tree, keys }, rejected, good };
}

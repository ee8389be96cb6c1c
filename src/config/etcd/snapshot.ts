import type { Etcd3 } from 'etcd3';
import type { EtcdSnapshot } from './layer.ts';

/** Every key under the prefix at one revision, keys relative to the prefix. */
export async function readSnapshot(client: Etcd3, prefix: string): Promise<EtcdSnapshot> {
  const response = await client.getAll().prefix(prefix).exec();
  const kvs: Record<string, string> = {};
  for (const kv of response.kvs) kvs[kv.key.toString().slice(prefix.length)] = kv.value.toString();
  return { revision: response.header.revision, kvs };
}

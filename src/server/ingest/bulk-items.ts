import { randomBytes, randomUUID } from 'node:crypto';
import type { LogRecord } from '../../model/index.ts';
import type { Principal } from '../auth/token-store.ts';
import type { DocumentResult, LogDocumentId } from '../storage/backend.ts';
import type { BulkItem } from './bulk-request.ts';
import { documentToRecord } from './es-document.ts';
import type { ElasticsearchIngestOptions } from './elasticsearch.ts';

/** An Elasticsearch error object, as in an item's `error` or a request's `error.root_cause`. */
export type EsError = { type: string; reason: string };

/**
 * The id an item is stored under, if it names one. The index is the namespace, as in
 * Elasticsearch; when the index name is the ingest token itself (Logsene style), the token is
 * not kept: all such items of a tenant share one namespace.
 */
function documentId(item: BulkItem, headerAuth: boolean): LogDocumentId | undefined {
  if (item.id === undefined || (item.action !== 'index' && item.action !== 'create')) return undefined;
  const index = headerAuth ? (item.index ?? '_all') : '(token)';
  return { index, id: item.id, op: item.action };
}

/** An item's answer once storage said what became of its id, shaped as Elasticsearch answers. */
function withOutcome(result: ItemResult, outcome: DocumentResult): ItemResult {
  if (outcome.result === 'created') return { ...result, _version: outcome.version };
  if (outcome.result === 'updated') {
    return { ...result, status: 200, result: 'updated', _version: outcome.version };
  }
  const { action, _index, _id } = result;
  return {
    action,
    _index,
    _id,
    status: 409,
    error: {
      type: 'version_conflict_engine_exception',
      reason: `[${_id}]: version conflict, document already exists (current version [${outcome.version}])`,
    },
  };
}

export interface ItemResult {
  action: string;
  _index: string;
  _id: string;
  status: number;
  result?: string;
  _version?: number;
  error?: EsError;
}

/**
 * Resolves each item's tenant, stores the good ones in one batch per tenant and host, and returns
 * one result per item in request order. A storage failure fails that batch's items with a 500.
 */
export async function storeItems(
  items: BulkItem[],
  principal: Principal | undefined,
  ip: string,
  receivedTs: number,
  options: ElasticsearchIngestOptions,
): Promise<ItemResult[]> {
  const { tokens, store, counters } = options;
  const byToken = new Map<string, Principal | undefined>();
  const groups = new Map<
    string,
    { tenant: string; host: string; logs: LogRecord[]; at: number[]; ids: Array<LogDocumentId | undefined> }
  >();
  const results: ItemResult[] = items.map((item, n) => {
    const base = {
      action: item.action,
      _index: item.index ?? '_all',
      _id: item.id ?? randomBytes(12).toString('base64url'),
    };
    if (item.error || !item.doc) {
      counters.error('parse', item.error?.type ?? 'no_document');
      return {
        ...base,
        status: 400,
        error: item.error ?? { type: 'parse_exception', reason: 'no document' },
      };
    }
    let owner = principal;
    if (!owner) {
      if (item.index === undefined) {
        return {
          ...base,
          status: 401,
          error: {
            type: 'security_exception',
            reason: 'no token: send "Authorization: Bearer <token>" or use an ingest token as the index name',
          },
        };
      }
      if (!byToken.has(item.index)) byToken.set(item.index, tokens.authenticate(item.index));
      owner = byToken.get(item.index);
      if (!owner?.scopes.includes('ingest')) {
        return {
          ...base,
          status: 401,
          error: {
            type: 'security_exception',
            reason: 'the index name is not an ingest token, and the request carries no Authorization header',
          },
        };
      }
    }
    const record = documentToRecord(item.doc, { host: ip, receivedTs });
    const key = `${owner.tenant}\u0000${record.host}`;
    let group = groups.get(key);
    if (!group) {
      groups.set(key, (group = { tenant: owner.tenant, host: record.host, logs: [], at: [], ids: [] }));
    }
    group.logs.push(record);
    group.at.push(n);
    group.ids.push(documentId(item, principal !== undefined));
    return { ...base, status: 201, result: 'created', _version: 1 };
  });
  for (const group of groups.values()) {
    try {
      const batch = {
        batch_id: `es-bulk:${randomUUID()}`,
        agent_id: 'elasticsearch-bulk',
        seq: 0,
        host: group.host,
        sent_ts: receivedTs,
        metrics: [],
        logs: group.logs,
        events: [],
      };
      // Most shippers send no _id: their items take the plain path, with no id lookups at all.
      if (group.ids.every((id) => id === undefined)) {
        await store.store(group.tenant, batch, receivedTs);
        counters.sent(group.logs.length);
        continue;
      }
      const documents = await store.storeDocuments(group.tenant, batch, receivedTs, group.ids);
      let sent = 0;
      for (const [k, n] of group.at.entries()) {
        const outcome = documents[k];
        if (outcome?.result !== 'conflict') sent++;
        if (outcome) results[n] = withOutcome(results[n]!, outcome);
      }
      counters.sent(sent);
    } catch (error) {
      counters.error('store', 'storage');
      for (const n of group.at) {
        const { action, _index, _id } = results[n]!;
        results[n] = {
          action,
          _index,
          _id,
          status: 500,
          error: { type: 'storage_exception', reason: (error as Error).message },
        };
      }
    }
  }
  const conflicts = results.filter((r) => r.status === 409).length;
  if (conflicts > 0) counters.discarded('duplicate_document', conflicts);
  const failed = results.filter((r) => r.status >= 300 && r.status !== 409).length;
  if (failed > 0) counters.discarded('rejected', failed);
  return results;
}

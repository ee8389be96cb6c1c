import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentCounters } from '../../core/telemetry.ts';
import type { LogRecord } from '../../model/index.ts';
import type { Principal, TokenStore } from '../auth/token-store.ts';
import type { DocumentResult, LogDocumentId } from '../storage/backend.ts';
import { parseBulkBody, type BulkItem } from './bulk-request.ts';
import { documentToRecord } from './es-document.ts';
import type { BatchStore } from './batch-store.ts';
import { headerToken } from './header-token.ts';

const gunzip = promisify(gunzipCb);

export interface ElasticsearchIngestOptions {
  store: BatchStore;
  tokens: TokenStore;
  counters: ComponentCounters;
  maxBodyBytes: number;
  maxBatchBytes: number;
}

/** The version shippers see on `GET /`: 7.x, so they send typeless bulk requests without probing further. */
export const ES_COMPAT_VERSION = '7.17.0';

type EsError = { type: string; reason: string };

function esError(reply: FastifyReply, status: number, error: EsError) {
  return reply
    .status(status)
    .header('x-elastic-product', 'Elasticsearch')
    .send({ error: { root_cause: [error], ...error }, status });
}

/**
 * `POST /_bulk` and `POST /{index}/_bulk`, Elasticsearch-compatible, plus the `GET /` and
 * `HEAD /` probes shippers make first. The tenant comes from the Authorization header's token or,
 * Logsene-style, from the index name being an ingest token. Every item gets its own status, as in
 * Elasticsearch: good items are stored (and acknowledged only once committed) even when others fail.
 */
export function elasticsearchIngest(app: FastifyInstance, options: ElasticsearchIngestOptions): void {
  const { tokens, counters } = options;
  const clusterUuid = randomUUID();
  const version = {
    name: 'birdseye',
    cluster_name: 'birdseye',
    cluster_uuid: clusterUuid,
    version: {
      number: ES_COMPAT_VERSION,
      build_flavor: 'default',
      build_type: 'birdseye',
      lucene_version: '8.11.1',
      minimum_wire_compatibility_version: '6.8.0',
      minimum_index_compatibility_version: '6.0.0-beta1',
    },
    tagline: 'You Know, for Search',
  };
  // `/` is also the UI: a browser (asking for HTML) gets the page, a shipper probing the version
  // gets the Elasticsearch answer. A hook, because the UI's static files own the `/` route.
  app.addHook('onRequest', function elasticsearchProbe(request, reply, next) {
    const probe =
      (request.method === 'GET' || request.method === 'HEAD') &&
      request.url.split('?')[0] === '/' &&
      !(request.headers.accept ?? '').includes('text/html');
    if (!probe) return next();
    void reply
      .header('x-elastic-product', 'Elasticsearch')
      .send(request.method === 'HEAD' ? undefined : version);
  });
  void app.register(function esRoutes(scope, _opts, done) {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.maxBodyBytes },
      (_req, body, next) => next(null, body),
    );
    const bulk = async (request: FastifyRequest, reply: FastifyReply) => {
      const started = Date.now();
      const params = request.params as { index?: string };
      const token = headerToken(request);
      let principal: Principal | undefined;
      if (token !== undefined) {
        principal = tokens.authenticate(token);
        if (!principal?.scopes.includes('ingest')) {
          counters.error('auth', 'unauthorized');
          return esError(reply, 401, {
            type: 'security_exception',
            reason:
              'unknown token, or one without the "ingest" scope: send an ingest token as "Authorization: Bearer <token>" or as the index name',
          });
        }
      }
      let text: string;
      try {
        text = await decodeBody(
          request.body as Buffer,
          request.headers['content-encoding'],
          options.maxBatchBytes,
        );
      } catch (error) {
        counters.error('decode', 'body');
        return esError(reply, 400, { type: 'parse_exception', reason: (error as Error).message });
      }
      const items = parseBulkBody(text, params.index);
      counters.received(items.length, (request.body as Buffer).length);
      const results = await storeItems(items, principal, request.ip, started, options);
      const errors = results.some((r) => r.status >= 300);
      return reply.header('x-elastic-product', 'Elasticsearch').send({
        took: Date.now() - started,
        errors,
        items: results.map(({ action, ...rest }) => ({ [action]: rest })),
      });
    };
    scope.post('/_bulk', bulk);
    scope.put('/_bulk', bulk);
    scope.post('/:index/_bulk', bulk);
    scope.put('/:index/_bulk', bulk);
    done();
  });
}

async function decodeBody(body: Buffer, encoding: string | undefined, maxBytes: number): Promise<string> {
  if (encoding === 'gzip') {
    try {
      return (await gunzip(body, { maxOutputLength: maxBytes })).toString('utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new Error(`request is larger than ${maxBytes} bytes uncompressed; send smaller bulks`);
      }
      throw new Error(`body is not valid gzip: ${(cause as Error).message}`);
    }
  }
  if (encoding !== undefined && encoding !== 'identity') {
    throw new Error(`unsupported Content-Encoding "${encoding}"; use gzip or none`);
  }
  return body.toString('utf8');
}

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

interface ItemResult {
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
async function storeItems(
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

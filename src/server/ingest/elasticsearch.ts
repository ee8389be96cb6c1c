import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentCounters } from '../../core/telemetry.ts';
import type { Principal, TokenStore } from '../auth/token-store.ts';
import { storeItems, type EsError } from './bulk-items.ts';
import { parseBulkBody } from './bulk-request.ts';
import type { BatchStore } from './batch-store.ts';
import { headerToken } from './header-token.ts';
import { gunzipBody } from './gunzip.ts';

export interface ElasticsearchIngestOptions {
  store: BatchStore;
  tokens: TokenStore;
  counters: ComponentCounters;
  maxBodyBytes: number;
  maxBatchBytes: number;
}

/** The version shippers see on `GET /`: 7.x, so they send typeless bulk requests without probing further. */
export const ES_COMPAT_VERSION = '7.17.0';

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
      return (await gunzipBody(body, maxBytes)).toString('utf8');
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

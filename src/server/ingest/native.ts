import type { FastifyInstance } from 'fastify';
import { BirdseyeError } from '../../core/errors.ts';
import type { ComponentCounters } from '../../core/telemetry.ts';
import { parseIngestBatch } from '../../model/index.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { requireScope, tenantOf } from '../api/auth-hook.ts';
import type { BatchStore } from './batch-store.ts';
import { gunzipBody } from './gunzip.ts';

export interface NativeIngestOptions {
  store: BatchStore;
  tokens: TokenStore;
  counters: ComponentCounters;
  maxBodyBytes: number;
  maxBatchBytes: number;
}

async function decode(body: Buffer, encoding: string | undefined, maxBatchBytes: number): Promise<unknown> {
  let raw = body;
  if (encoding === 'gzip') {
    try {
      raw = await gunzipBody(body, maxBatchBytes);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new BirdseyeError(
          'BE_BODY_TOO_LARGE',
          `batch is larger than ${maxBatchBytes} bytes uncompressed; send smaller batches`,
        );
      }
      throw new BirdseyeError('BE_BODY_INVALID', `body is not valid gzip: ${(cause as Error).message}`);
    }
  } else if (encoding !== undefined && encoding !== 'identity') {
    throw new BirdseyeError(
      'BE_BODY_INVALID',
      `unsupported Content-Encoding "${encoding}"; use gzip or none`,
    );
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (cause) {
    throw new BirdseyeError('BE_BODY_INVALID', `body is not JSON: ${(cause as Error).message}`);
  }
}

/**
 * `POST /api/v1/ingest`: one batch from an agent, JSON, optionally gzip. The reply comes only after
 * the batch is committed, and a batch id seen before is acknowledged without storing it again.
 */
export function nativeIngest(app: FastifyInstance, options: NativeIngestOptions): void {
  const { store, tokens, counters } = options;
  void app.register(function ingestRoutes(scope, _opts, done) {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.maxBodyBytes },
      (_req, body, next) => next(null, body),
    );
    scope.post('/api/v1/ingest', { onRequest: requireScope(tokens, 'ingest') }, async (request) => {
      const tenant = tenantOf(request);
      const body = request.body as Buffer;
      let batch;
      try {
        const encoding = request.headers['content-encoding'];
        batch = parseIngestBatch(await decode(body, encoding, options.maxBatchBytes));
      } catch (error) {
        counters.error('decode', error instanceof BirdseyeError ? error.code : 'unknown');
        throw error;
      }
      const events = batch.metrics.length + batch.logs.length + batch.events.length;
      counters.received(events, body.length);
      const stored = await store.store(tenant, batch, Date.now());
      if (stored) counters.sent(events);
      else counters.discarded('duplicate_batch', events);
      return {
        status: stored ? 'stored' : 'duplicate',
        batch_id: batch.batch_id,
        metrics: batch.metrics.length,
        logs: batch.logs.length,
        events: batch.events.length,
      };
    });
    done();
  });
}

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  decodeWriteRequest,
  RemoteWriteError,
  seriesToSamples,
  snappyUncompress,
} from '../../core/remote-write/index.ts';
import type { ComponentCounters } from '../../core/telemetry.ts';
import { LABEL_NAME, METRIC_NAME, type MetricSample } from '../../model/index.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { BatchStore } from './batch-store.ts';
import { headerToken } from './header-token.ts';

export interface RemoteWriteIngestOptions {
  store: BatchStore;
  tokens: TokenStore;
  counters: ComponentCounters;
  maxBodyBytes: number;
  maxBatchBytes: number;
}

function reject(reply: FastifyReply, status: number, message: string) {
  // Prometheus logs the body of a 4xx as the reason, so it is plain text that says what to fix.
  return reply.status(status).type('text/plain').send(`${message}\n`);
}

/** The name and labels every sample must have to be stored; stale markers (NaN) are left out. */
function validSamples(samples: MetricSample[]): { good: MetricSample[]; stale: number; problem?: string } {
  const good: MetricSample[] = [];
  let stale = 0;
  for (const sample of samples) {
    if (!METRIC_NAME.test(sample.name))
      return { good, stale, problem: `invalid metric name "${sample.name}"` };
    const bad = Object.keys(sample.labels).find((name) => !LABEL_NAME.test(name));
    if (bad !== undefined) return { good, stale, problem: `invalid label name "${bad}" on ${sample.name}` };
    if (!Number.isFinite(sample.value) || !Number.isFinite(sample.ts) || sample.ts < 0) stale++;
    else good.push(sample);
  }
  return { good, stale };
}

/**
 * `POST /api/v1/write`: Prometheus remote write 1.0 (snappy-compressed protobuf WriteRequest).
 * 204 once the samples are committed; 400 with a plain-text reason for a request that would fail
 * again (Prometheus drops it); 401 without an ingest token; 5xx makes Prometheus retry.
 */
export function remoteWriteIngest(app: FastifyInstance, options: RemoteWriteIngestOptions): void {
  const { store, tokens, counters } = options;
  void app.register(function remoteWriteRoutes(scope, _opts, done) {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.maxBodyBytes },
      (_req, body, next) => next(null, body),
    );
    scope.post('/api/v1/write', async (request: FastifyRequest, reply: FastifyReply) => {
      const token = headerToken(request);
      const principal = token === undefined ? undefined : tokens.authenticate(token);
      if (!principal?.scopes.includes('ingest')) {
        counters.error('auth', 'unauthorized');
        return reject(
          reply,
          401,
          'missing or unknown ingest token: set `authorization: {credentials: <token>}` (or basic_auth with the token as password) in remote_write',
        );
      }
      const encoding = request.headers['content-encoding'];
      if (encoding !== undefined && encoding !== 'snappy') {
        counters.error('decode', 'encoding');
        return reject(
          reply,
          400,
          `unsupported Content-Encoding "${encoding}": remote write bodies are snappy`,
        );
      }
      const body = request.body as Buffer;
      let samples: MetricSample[];
      try {
        samples = seriesToSamples(decodeWriteRequest(snappyUncompress(body, options.maxBatchBytes)));
      } catch (error) {
        if (!(error instanceof RemoteWriteError)) throw error;
        counters.error('decode', 'write_request');
        return reject(reply, 400, error.message);
      }
      counters.received(samples.length, body.length);
      const { good, stale, problem } = validSamples(samples);
      if (problem !== undefined) {
        counters.error('decode', 'invalid_sample');
        counters.discarded('rejected', samples.length);
        return reject(reply, 400, problem);
      }
      if (stale > 0) counters.discarded('stale_marker', stale);
      if (good.length > 0) {
        const first = good[0]!.labels;
        const now = Date.now();
        await store.store(
          principal.tenant,
          {
            batch_id: `remote-write:${randomUUID()}`,
            agent_id: 'prometheus-remote-write',
            seq: 0,
            // The inventory lists the sender by its host (or scrape instance) label.
            host: first.host ?? first.instance ?? request.ip,
            sent_ts: now,
            metrics: good,
            logs: [],
            events: [],
          },
          now,
        );
        counters.sent(good.length);
      }
      return reply.status(204).send();
    });
    done();
  });
}

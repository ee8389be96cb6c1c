import type { FastifyInstance } from 'fastify';
import type { ComponentCounters } from '../../core/telemetry.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { logMatcher } from '../query/log-match.ts';
import { parseLogQuery } from '../query/log-query.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { requireScope, tenantOf } from './auth-hook.ts';
import { integer, type Query } from './params.ts';

export interface TailOptions {
  storage: StorageBackend;
  tokens: TokenStore;
  counters: ComponentCounters;
  /** Events held for one client whose socket is not draining; past this they are dropped and counted. */
  maxQueueEvents?: number;
}

/**
 * `GET /api/v1/logs/tail?q=`: server-sent events. Each log record that matches `q` and is
 * committed after the client connected is sent as `id: <record id>` + `data: <record JSON>`.
 * A client that reads too slowly does not slow ingest: its queue is bounded, overflow is dropped,
 * counted on /metrics, and reported to the client as an `event: dropped` once it catches up.
 * Comment lines (`: heartbeat`) keep proxies from closing an idle stream.
 */
export function tailRoutes(app: FastifyInstance, options: TailOptions): void {
  const { storage, tokens, counters } = options;
  const maxQueue = options.maxQueueEvents ?? 1000;

  app.get('/api/v1/logs/tail', { onRequest: requireScope(tokens, 'read') }, (request, reply) => {
    const query = request.query as Query;
    const tenant = tenantOf(request);
    // Validate before hijacking, so a bad query is still an ordinary 400 JSON reply.
    const match = logMatcher(parseLogQuery(query.q ?? ''));
    const heartbeatMs = integer(query, 'heartbeat_ms', 15_000, 1000, 300_000);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': tail started\n\n');

    const queue: string[] = [];
    let blocked = false;
    let dropped = 0;
    const send = (chunk: string): void => {
      if (res.destroyed) return;
      if (blocked) {
        if (queue.length >= maxQueue) {
          dropped++;
          counters.discarded('client_slow', 1);
        } else queue.push(chunk);
        return;
      }
      if (!res.write(chunk)) blocked = true;
    };
    res.on('drain', function flush() {
      blocked = false;
      while (queue.length > 0 && !blocked) {
        if (!res.write(queue.shift()!)) blocked = true;
      }
      if (!blocked && dropped > 0) {
        const n = dropped;
        dropped = 0;
        send(`event: dropped\ndata: ${JSON.stringify({ dropped: n })}\n\n`);
      }
    });

    const unsubscribe = storage.onLogs(function tail(from, records) {
      if (from !== tenant) return;
      for (const record of records) {
        if (!match(record)) continue;
        counters.received(1);
        send(`id: ${record.id}\ndata: ${JSON.stringify(record)}\n\n`);
      }
    });
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    res.on('close', function stop() {
      clearInterval(heartbeat);
      unsubscribe();
      queue.length = 0;
    });
  });
}

import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { classifyStatus, parseRetryAfter } from '../../../core/delivery.ts';
import { HttpClient } from '../../../core/http-client.ts';
import type { Logger } from '../../../core/logger.ts';
import type { ComponentCounters } from '../../../core/telemetry.ts';
import { decodeBatch, type EncodedBatch } from '../../encoded-batch.ts';
import type { SendResult, Sink } from '../sink.ts';
import { bulkBody } from './bulk-body.ts';
import type { ElasticsearchSinkConfig } from './config.ts';

const gzip = promisify(gzipCb);

export interface ElasticsearchSinkOptions {
  config: ElasticsearchSinkConfig;
  /** The agent's token: the index when none is configured. */
  token: string;
  counters: ComponentCounters;
  log: Logger;
}

interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string };
}

/**
 * Ships log records to an Elasticsearch `_bulk` endpoint. Elasticsearch answers per item, so
 * one batch can partly succeed: items that came back 429 or 5xx are remembered and only they are
 * sent on the shipper's retry (with the same `_id`s); items rejected for good (other 4xx) are
 * counted and logged with the server's reason and not sent again; 409 means the item is already
 * there (a resend after a lost response) and counts as delivered. Metrics and events are not sent.
 */
export class ElasticsearchSink implements Sink {
  readonly kind = 'elasticsearch';
  readonly id: string;
  readonly maxInFlight: number;
  private readonly client: HttpClient;
  private readonly baseUrl: string;
  private readonly bulkUrl: string;
  private readonly headers: Record<string, string>;
  private readonly index: string;
  /** Major version from `GET /`, asked once; ≥ 7 means typeless bulk actions. */
  private major: number | undefined;
  private probing: Promise<SendResult | undefined> | undefined;
  /** What is left to send of each batch being retried: the positions of its retryable items. */
  private readonly remainders = new Map<string, Set<number>>();

  constructor(private readonly options: ElasticsearchSinkOptions) {
    const { config } = options;
    const base = new URL(config.url);
    this.id = `elasticsearch:${base.host}`;
    this.maxInFlight = config.max_requests_in_flight;
    this.baseUrl = base.href.endsWith('/') ? base.href : `${base.href}/`;
    this.bulkUrl = new URL('_bulk', this.baseUrl).toString();
    this.index = config.index ?? options.token;
    this.headers = { 'content-type': 'application/x-ndjson', accept: 'application/json' };
    if (config.api_key) this.headers.authorization = `ApiKey ${config.api_key}`;
    else if (config.username !== undefined) {
      const basic = Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64');
      this.headers.authorization = `Basic ${basic}`;
    }
    if (config.gzip) this.headers['content-encoding'] = 'gzip';
    this.client = new HttpClient(config.timeout_ms);
  }

  async send(encoded: EncodedBatch): Promise<SendResult> {
    const batch = await decodeBatch(encoded);
    if (batch.logs.length === 0) return { outcome: 'ok' };
    try {
      const probe = await this.probeVersion();
      if (probe) return probe;
      const retrying = this.remainders.get(batch.batch_id);
      const bulk = bulkBody(batch, this.index, this.major! < 7, retrying);
      const { positions } = bulk;
      const body = this.options.config.gzip ? await gzip(bulk.body) : bulk.body;
      const response = await this.client.request('POST', this.bulkUrl, this.headers, body);
      if (response.status < 200 || response.status >= 300) {
        const result = classifyStatus(
          response.status,
          response.text,
          parseRetryAfter(response.headers['retry-after']),
        );
        if (result.outcome !== 'retryable') this.remainders.delete(batch.batch_id);
        return result;
      }
      return this.settle(batch.batch_id, positions, response.text);
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      return { outcome: 'retryable', reason: `${err.code ?? 'error'}: ${err.message}` };
    }
  }

  /** Sorts the items of a 200 answer into delivered, to retry and rejected. */
  private settle(batchId: string, positions: number[], answer: string): SendResult {
    let items: Array<Record<string, BulkItemResult>>;
    try {
      items = (JSON.parse(answer) as { items: Array<Record<string, BulkItemResult>> }).items;
      if (!Array.isArray(items) || items.length !== positions.length) throw new Error('item count differs');
    } catch (error) {
      return {
        outcome: 'retryable',
        reason: `unexpected _bulk answer (${(error as Error).message}): ${answer.slice(0, 200)}`,
      };
    }
    const retry = new Set<number>();
    let firstRetry = '';
    let rejected = 0;
    items.forEach((item, n) => {
      const result = Object.values(item)[0];
      const status = result?.status ?? 500;
      if ((status >= 200 && status < 300) || status === 409) return;
      const reason = `${status} ${result?.error?.type ?? ''}: ${result?.error?.reason ?? ''}`;
      if (status === 429 || status >= 500) {
        retry.add(positions[n]!);
        firstRetry ||= reason;
        return;
      }
      rejected++;
      if (rejected <= 3) {
        this.options.log.error(
          { sink: this.id, batch_id: batchId, item: positions[n], reason },
          'elasticsearch rejected a document; it is dropped',
        );
      }
    });
    if (rejected > 0) {
      this.options.counters.error('send', 'item_rejected');
      this.options.counters.discarded('rejected', rejected);
    }
    if (retry.size === 0) {
      this.remainders.delete(batchId);
      return { outcome: 'ok' };
    }
    this.remainders.set(batchId, retry);
    return { outcome: 'retryable', reason: `${retry.size} of ${positions.length} items: ${firstRetry}` };
  }

  /** Asks `GET /` for the version once, for every send waiting on it. */
  private probeVersion(): Promise<SendResult | undefined> {
    if (this.major !== undefined) return Promise.resolve(undefined);
    this.probing ??= this.askVersion().finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** An answer without a version (a non-Elasticsearch receiver) means ≥ 7. */
  private async askVersion(): Promise<SendResult | undefined> {
    const headers = { ...this.headers };
    delete headers['content-encoding'];
    delete headers['content-type'];
    const { text, status } = await this.client.request('GET', this.baseUrl, {
      ...headers,
      accept: 'application/json',
    });
    if (status === 401 || status === 403 || status === 429 || status >= 500) {
      // Nothing is lost by waiting: the batch stays in the buffer until this clears.
      const hint = status < 429 ? ": check the sink's credentials" : '';
      return { outcome: 'retryable', reason: `GET / answered ${status}${hint}` };
    }
    const number = /"number"\s*:\s*"(\d+)\./.exec(text)?.[1];
    this.major = number === undefined ? 7 : Number(number);
    this.options.log.info(
      { sink: this.id, version: number ?? 'unknown' },
      'elasticsearch sink: server version',
    );
    return undefined;
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    return this.client.close();
  }
}

import { z } from 'zod';

/**
 * `agent.sinks.elasticsearch`: ships logs to an Elasticsearch/OpenSearch `_bulk` endpoint (or any
 * receiver of it: Birdseye itself, Sematext Logs). Logsene-style, the index defaults to the agent's
 * token, so a receiver that maps tokens to tenants needs no credentials besides.
 */
export const elasticsearchSinkSchema = z
  .object({
    /** Base URL, e.g. http://es.example:9200; the sink posts to <url>/_bulk. */
    url: z.url({ protocol: /^https?$/ }),
    /** Index for every document; default: the agent's token (Logsene-style). */
    index: z.string().min(1).optional(),
    /** Basic auth, if the cluster wants it. */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** Sent as `Authorization: ApiKey <api_key>`. */
    api_key: z.string().min(1).optional(),
    /** Compress bulk bodies (Elasticsearch accepts gzip requests). */
    gzip: z.boolean().default(false),
    timeout_ms: z.number().int().min(100).default(15_000),
    /**
     * `_bulk` requests sent at once, each a batch: the next body is built while the cluster
     * indexes the previous one. Documents may then arrive out of batch order.
     */
    max_requests_in_flight: z.number().int().min(1).max(16).default(2),
  })
  .strict();

export type ElasticsearchSinkConfig = z.infer<typeof elasticsearchSinkSchema>;

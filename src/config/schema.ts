import os from 'node:os';
import { z } from 'zod';
import { bufferConfigSchema } from '../agent/buffer/config.ts';
import { dockerSchema } from '../agent/sources/docker/config.ts';
import { hostMetricsSchema } from '../agent/sources/host-metrics/config.ts';
import { journaldSchema } from '../agent/sources/journald/config.ts';
import { gatewaySchema } from '../agent/sources/gateway/config.ts';
import { sinksSchema } from '../agent/sinks/config.ts';
import { alertingSchema } from '../server/alerting/config.ts';
import { etcdSchema } from './etcd/config.ts';
import { agentTlsSchema } from '../agent/sinks/birdseye/config.ts';
import { serverTlsSchema } from '../server/tls/config.ts';
import { authSchema } from '../server/auth/config.ts';
import { retentionSchema } from '../server/storage/retention-config.ts';
import { patternsSchema } from '../server/patterns/config.ts';

/**
 * The one configuration schema. Defaults live here; every key that is a quantity carries its unit.
 * Objects are strict so a misspelt key is an error, not silently ignored.
 */
const agentSchema = z
  .object({
    /** Server base URL, e.g. https://birdseye.example:8080. `birdseye up` fills in its own server. */
    server_url: z.url({ protocol: /^https?$/ }).optional(),
    token: z.string().min(1).optional(),
    /**
     * Records held in memory before they are written to the disk buffer; when full, sources that
     * can wait (gateway, journald) pause, others drop and count.
     */
    max_queue_events: z.number().int().min(100).default(100_000),
    batch_max_events: z.number().int().min(1).max(100_000).default(5_000),
    batch_max_wait_ms: z.number().int().min(10).default(1_000),
    /**
     * gzip level of each batch as it is buffered and sent to the server: 1 costs a third of level 6's
     * CPU on varied journal entries (2.6 against 7.0 µs an entry) for about a quarter more bytes.
     */
    batch_gzip_level: z.number().int().min(1).max(9).default(1),
    request_timeout_ms: z.number().int().min(100).default(15_000),
    retry_initial_backoff_ms: z.number().int().min(1).default(500),
    retry_max_backoff_ms: z.number().int().min(1).default(30_000),
    /** While a backlog drains, its progress (left, rate, time to go) is logged this often. */
    catch_up_log_interval_ms: z.number().int().min(100).default(10_000),
    /** Port of the agent's own /healthz and /metrics; 0 turns it off (`birdseye up` serves them itself). */
    port: z.number().int().min(0).max(65_535).default(9001),
    listen_address: z.string().min(1).default('127.0.0.1'),
    /** The disk buffer every batch is written to before any source position is acknowledged. */
    buffer: bufferConfigSchema.prefault({}),
    host_metrics: hostMetricsSchema.prefault({}),
    journald: journaldSchema.prefault({}),
    docker: dockerSchema.prefault({}),
    gateway: gatewaySchema.prefault({}),
    /** How the agent checks an https:// server (CA file) and its client certificate; see docs/tls.md. */
    tls: agentTlsSchema.prefault({}),
    /** Sinks besides the Birdseye server: elasticsearch, prometheus_remote_write, stdout, file. */
    sinks: sinksSchema.prefault({}),
  })
  .strict();

const serverSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(8080),
    listen_address: z.string().min(1).default('0.0.0.0'),
    /** The first start creates the default tenant's admin token from this, or generates one. */
    admin_token: z.string().min(16, 'must be at least 16 characters').optional(),
    /** `sqlite` keeps data under <data_dir>/server; `memory` keeps nothing after exit (for trials). */
    storage_backend: z.enum(['sqlite', 'memory']).default('sqlite'),
    /** Largest request body accepted, compressed. */
    max_body_bytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    /** Largest ingest batch after decompression. */
    max_batch_bytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
    /** Logs and events older than this many days are dropped a whole day at a time. */
    retention_days: z.number().int().min(1).default(7),
    /** Metric retention, batch-id horizon, rollups; tenants override days via the admin API. */
    retention: retentionSchema.prefault({}),
    /** UI sessions and per-token rate limits. */
    auth: authSchema.prefault({}),
    /** Rules, channels and routes; see docs/alerting.md. */
    alerting: alertingSchema.prefault({}),
    /** HTTPS: certificate, key and optionally the CA of client certificates; see docs/tls.md. */
    tls: serverTlsSchema.optional(),
    /** The log pattern miner; see docs/patterns.md. */
    patterns: patternsSchema.prefault({}),
  })
  .strict();

export const configSchema = z
  .object({
    data_dir: z.string().min(1).default('./data'),
    host_name: z.string().min(1).default(os.hostname()),
    log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** `auto` writes readable text to a terminal and JSON otherwise. */
    log_format: z.enum(['auto', 'text', 'json']).default('auto'),
    server: serverSchema.prefault({}),
    agent: agentSchema.prefault({}),
    /** Cluster-wide settings in etcd (docs/configuration.md, "Cluster-wide settings in etcd"). */
    etcd: etcdSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

import { z } from 'zod';

/**
 * Docker source config: the schema is the definition, defaults inside.
 *
 * `enabled: 'auto'` (the default) runs the source when `socket_path` exists, so one config serves
 * nodes with and without Docker. Roots are configurable so an agent in a container reads the
 * node's cgroups and processes (mount the host's /sys/fs/cgroup and /proc and point these there).
 */

const regex = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const logsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Follow only containers whose name matches (empty: every container). */
    include_names: z.array(regex).default([]),
    /** Skip containers whose name matches. */
    exclude_names: z.array(regex).default([]),
    /** Skip containers whose image matches. */
    exclude_images: z.array(regex).default([]),
    /**
     * Follow only containers with a label matching each entry, `key=value-regex` (empty: every
     * container). A container labelled `birdseye.logs=false` is always skipped.
     */
    include_labels: z.array(z.string().regex(/^[^=]+=/, 'must be key=regex')).default([]),
    exclude_labels: z.array(z.string().regex(/^[^=]+=/, 'must be key=regex')).default([]),
    /** How lines are parsed: `auto` detects JSON, logfmt, syslog per line; a name pins it. */
    format: z.enum(['auto', 'json', 'logfmt', 'plain', 'rfc5424', 'rfc3164']).default('auto'),
    /** A stack trace's lines are joined into one record; a group idle this long is emitted. */
    multiline: z.boolean().default(true),
    multiline_idle_ms: z.number().int().min(10).max(60_000).default(1_000),
    /**
     * A container's log stream is read at most this often, unless a read fills the buffer:
     * one read then takes every line written since, instead of one read per line. Also the most a
     * line waits before the agent sees it.
     */
    read_interval_ms: z.number().int().min(0).max(10_000).default(1_000),
    /** A line longer than this (after rejoining Docker's 16 KiB parts) is cut and flagged. */
    max_line_bytes: z
      .number()
      .int()
      .min(16 * 1024)
      .default(1024 * 1024),
  })
  .strict();

export const dockerSchema = z
  .object({
    enabled: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    socket_path: z.string().min(1).default('/var/run/docker.sock'),
    /**
     * `unix:///path` or `tcp://host:port`, like DOCKER_HOST (which is read when this is unset);
     * overrides socket_path. Over TCP give `tls` (or DOCKER_TLS_VERIFY and DOCKER_CERT_PATH).
     */
    host: z
      .string()
      .regex(/^(unix|tcp):\/\//, 'must be unix:///path or tcp://host:port')
      .optional(),
    /** TLS to a daemon started with --tlsverify: its CA and this client's certificate and key. */
    tls: z
      .object({
        ca_file: z.string().min(1).optional(),
        cert_file: z.string().min(1).optional(),
        key_file: z.string().min(1).optional(),
        /** false skips checking the daemon's certificate (like DOCKER_TLS without VERIFY). */
        verify: z.boolean().default(true),
      })
      .strict()
      .optional(),
    /** Where the cgroup filesystem is mounted; `/host/sys/fs/cgroup` in a container. */
    cgroup_root: z.string().min(1).default('/sys/fs/cgroup'),
    /** Where the host's /proc is (containers' network counters); `/host/proc` in a container. */
    proc_root: z.string().min(1).default('/proc'),
    interval_ms: z.number().int().min(100).max(3_600_000).default(10_000),
    /** Timeout of one list or inspect call. */
    request_timeout_ms: z.number().int().min(100).default(10_000),
    /** A lost connection to the daemon is retried after this, doubling up to the maximum. */
    reconnect_initial_backoff_ms: z.number().int().min(10).default(500),
    reconnect_max_backoff_ms: z.number().int().min(10).default(30_000),
    metrics: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .prefault({}),
    events: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .prefault({}),
    logs: logsSchema.prefault({}),
  })
  .strict();

export type DockerConfig = z.infer<typeof dockerSchema>;
export type DockerLogsConfig = z.infer<typeof logsSchema>;

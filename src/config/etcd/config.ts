import { z } from 'zod';

/**
 * Where the cluster-wide settings live. Endpoints come from a flag, the environment or the file,
 * never from etcd itself. `--etcd` takes a comma-separated list, so a string is split here.
 */
export const etcdSchema = z
  .object({
    /** etcd v3 client URLs, e.g. http://etcd-1:2379; empty: no etcd. */
    endpoints: z
      .preprocess(
        (value) =>
          typeof value === 'string'
            ? value
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '')
            : value,
        z.array(z.url({ protocol: /^https?$/ })),
      )
      .default([]),
    /** Settings live under /birdseye/<cluster>/, so one etcd can hold several clusters. */
    cluster: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]+$/, 'must be letters, digits, ., _ or -')
      .default('default'),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** CA that signed etcd's server certificate (https endpoints). */
    ca_file: z.string().min(1).optional(),
    /** Client certificate and key, for an etcd started with --client-cert-auth. */
    cert_file: z.string().min(1).optional(),
    key_file: z.string().min(1).optional(),
    /** One request (read, write, lease) gives up after this; the agent then retries. */
    timeout_ms: z.number().int().min(100).default(5_000),
    /** While etcd is unreachable the agent retries this often. */
    retry_interval_ms: z.number().int().min(100).default(2_000),
    /** An agent's registration expires this long after the agent stops renewing it. */
    lease_ttl_ms: z.number().int().min(2_000).default(15_000),
  })
  .strict();

export type EtcdConfig = z.infer<typeof etcdSchema>;

export function prefixOf(cluster: string): string {
  return `/birdseye/${cluster}/`;
}

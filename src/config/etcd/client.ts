import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Etcd3, IOptions } from 'etcd3';
import { BirdseyeError } from '../../core/errors.ts';
import type { EtcdConfig } from './config.ts';

/** An etcd client for the configured endpoints, with auth and TLS when set. */
export function connectEtcd(config: EtcdConfig): Etcd3 {
  const options: IOptions = {
    hosts: config.endpoints,
    dialTimeout: config.timeout_ms,
    // Unary calls get a deadline so an unreachable etcd fails fast and the caller can retry or fall
    // back; watch streams live as long as the agent.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + config.timeout_ms }),
  };
  if (config.username !== undefined) {
    if (config.password === undefined) {
      throw new BirdseyeError(
        'BE_CONFIG_INVALID',
        'etcd.username is set but etcd.password is not: pass --etcd-password or BIRDSEYE_ETCD_PASSWORD',
      );
    }
    options.auth = { username: config.username, password: config.password };
  }
  if (config.ca_file || config.cert_file) {
    const read = (file: string, what: string) => {
      try {
        return readFileSync(file);
      } catch (cause) {
        throw new BirdseyeError(
          'BE_CONFIG_INVALID',
          `cannot read the etcd ${what} ${file}: ${(cause as Error).message}`,
          { cause },
        );
      }
    };
    if (!config.ca_file)
      throw new BirdseyeError('BE_CONFIG_INVALID', 'etcd.cert_file needs etcd.ca_file (--etcd-ca) too');
    if (Boolean(config.cert_file) !== Boolean(config.key_file)) {
      throw new BirdseyeError(
        'BE_CONFIG_INVALID',
        'etcd.cert_file and etcd.key_file (--etcd-cert, --etcd-key) go together',
      );
    }
    options.credentials = {
      rootCertificate: read(config.ca_file, 'CA file'),
      ...(config.cert_file ? { certChain: read(config.cert_file, 'client certificate') } : {}),
      ...(config.key_file ? { privateKey: read(config.key_file, 'client key') } : {}),
    };
  }
  // Loaded on first use: etcd3 brings gRPC and protobufjs, which a node without etcd never needs.
  const etcd3 = createRequire(import.meta.url)('etcd3') as typeof import('etcd3');
  return new etcd3.Etcd3(options);
}

/** Turns a client error into one that says which etcd and what to check. */
export function etcdError(config: EtcdConfig, action: string, cause: unknown): BirdseyeError {
  const where = config.endpoints.join(', ');
  const message = (cause as Error).message ?? String(cause);
  let hint =
    'check that etcd runs there and is reachable from this machine (try: etcdctl --endpoints ' +
    where +
    ' endpoint health)';
  if (/auth|permission|password|token/i.test(message)) {
    hint =
      "check --etcd-user and --etcd-password (BIRDSEYE_ETCD_USER, BIRDSEYE_ETCD_PASSWORD) and the user's role";
  } else if (/certificate|ssl|tls|handshake/i.test(message)) {
    hint = 'check --etcd-ca, --etcd-cert and --etcd-key, and that the endpoint URL says https';
  }
  return new BirdseyeError('BE_ETCD', `etcd ${where}: cannot ${action}: ${message}; ${hint}`, { cause });
}

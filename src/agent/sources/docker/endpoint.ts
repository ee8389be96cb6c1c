import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BirdseyeError } from '../../../core/errors.ts';
import type { DockerConfig } from './config.ts';

/**
 * Where the Docker engine listens: its unix socket (the default), or `tcp://host:port`, with TLS
 * when certificates are given. Resolved once at start from `docker.host` / `docker.tls`, or else
 * from the variables the docker CLI reads (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH), so an
 * agent started next to a working `docker` command reaches the same daemon.
 */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string }
  | {
      kind: 'tcp';
      host: string;
      port: number;
      tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
    };

function read(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new BirdseyeError('BE_CONFIG_INVALID', `${key}: cannot read ${file}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

type TlsFiles = NonNullable<DockerConfig['tls']>;

/** DOCKER_TLS_VERIFY (any non-empty value) turns TLS on, with ca/cert/key.pem from DOCKER_CERT_PATH. */
function envTls(env: NodeJS.ProcessEnv): TlsFiles | undefined {
  if (!env.DOCKER_TLS_VERIFY) return undefined;
  const dir = env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');
  return {
    ca_file: path.join(dir, 'ca.pem'),
    cert_file: path.join(dir, 'cert.pem'),
    key_file: path.join(dir, 'key.pem'),
    verify: true,
  };
}

export function resolveEndpoint(config: DockerConfig, env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  const fromEnv = config.host === undefined && env.DOCKER_HOST ? env.DOCKER_HOST : undefined;
  const host = config.host ?? fromEnv;
  const key = fromEnv ? 'DOCKER_HOST' : 'agent.docker.host';
  if (host === undefined) return { kind: 'unix', socketPath: config.socket_path };
  if (host.startsWith('unix://')) return { kind: 'unix', socketPath: host.slice('unix://'.length) };
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (!m) {
    throw new BirdseyeError('BE_CONFIG_INVALID', `${key}: "${host}" is not unix:///path or tcp://host:port`);
  }
  const tls = config.tls ?? (fromEnv ? envTls(env) : undefined);
  const tlsKey = config.tls ? 'agent.docker.tls' : 'DOCKER_CERT_PATH';
  // Docker's own convention: 2376 with TLS, 2375 without.
  const port = m[2] ? Number(m[2]) : tls ? 2376 : 2375;
  return {
    kind: 'tcp',
    host: m[1]!.replace(/^\[|\]$/g, ''),
    port,
    ...(tls
      ? {
          tls: {
            ...(tls.ca_file ? { ca: read(tls.ca_file, `${tlsKey}.ca_file`) } : {}),
            ...(tls.cert_file ? { cert: read(tls.cert_file, `${tlsKey}.cert_file`) } : {}),
            ...(tls.key_file ? { key: read(tls.key_file, `${tlsKey}.key_file`) } : {}),
            rejectUnauthorized: tls.verify,
          },
        }
      : {}),
  };
}

export function describeEndpoint(endpoint: DockerEndpoint): string {
  if (endpoint.kind === 'unix') return endpoint.socketPath;
  return `${endpoint.tls ? 'tcp+tls' : 'tcp'}://${endpoint.host}:${endpoint.port}`;
}

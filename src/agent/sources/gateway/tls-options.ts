import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import { BirdseyeError } from '../../../core/errors.ts';
import type { ListenerConfig } from './config.ts';

function read(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new BirdseyeError('BE_CONFIG_INVALID', `${key}: cannot read ${file}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Server TLS options of a listener; with a CA file, clients must present a certificate it signed. */
export function tlsOptions(tls: NonNullable<ListenerConfig['tls']>, keyPrefix: string): TlsOptions {
  const ca = tls.ca_file ? read(tls.ca_file, `${keyPrefix}.ca_file`) : undefined;
  return {
    cert: read(tls.cert_file, `${keyPrefix}.cert_file`),
    key: read(tls.key_file, `${keyPrefix}.key_file`),
    ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}),
  };
}

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { BirdseyeError } from '../../core/errors.ts';
import type { ServerTlsConfig } from './config.ts';

function read(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      `server.tls.${key}: cannot read ${file}: ${(cause as Error).message}`,
      { cause },
    );
  }
}

export interface HttpsSetup {
  readonly options: TlsOptions & SecureContextOptions;
  /** SHA-256 fingerprint of the server's own certificate, colon-separated as Node prints it. */
  readonly fingerprint256: string;
  readonly clientCertRequired: boolean;
}

/** Reads the files once at start; a missing or unreadable file names its key. */
export function httpsSetup(tls: ServerTlsConfig): HttpsSetup {
  const cert = read(tls.cert_file, 'cert_file');
  const key = read(tls.key_file, 'key_file');
  let fingerprint256: string;
  try {
    fingerprint256 = new X509Certificate(cert).fingerprint256;
  } catch (cause) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      `server.tls.cert_file: ${tls.cert_file} is not a PEM certificate: ${(cause as Error).message}`,
      { cause },
    );
  }
  const ca = tls.client_ca_file ? read(tls.client_ca_file, 'client_ca_file') : undefined;
  return {
    // rejectUnauthorized with requestCert: a client without a certificate signed by `ca` fails the
    // handshake, before any request (or token) is read.
    options: { cert, key, ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}) },
    fingerprint256,
    clientCertRequired: ca !== undefined,
  };
}

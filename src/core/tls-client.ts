import { readFileSync } from 'node:fs';
import { BirdseyeError } from './errors.ts';

/**
 * How an HTTPS client (the agent's sinks) checks the server and proves itself. Files are read once
 * at start, so a missing file is a start-up error that names its key.
 */
export interface ClientTlsFiles {
  /** PEM CA bundle the server's certificate must chain to; unset: the system store. */
  ca_file?: string | undefined;
  /** PEM client certificate (and chain) for servers that require one, with its key. */
  cert_file?: string | undefined;
  key_file?: string | undefined;
}

export interface ClientTls {
  /** Options for TLS connections (https.Agent): the CA to trust and the client certificate. */
  readonly options: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** Trust exactly the certificate with this SHA-256 fingerprint, whatever its name and issuer. */
  readonly pin?: string;
  /** Which config key fixes a trust problem, for error messages. */
  readonly caKey: string;
  readonly certKey: string;
}

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new BirdseyeError('BE_CONFIG_INVALID', `${key}: cannot read ${file}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Connect options for `files`; `keyPrefix` (e.g. `agent.tls`) names the keys in errors. */
export function clientTls(files: ClientTlsFiles, keyPrefix: string): ClientTls {
  if (Boolean(files.cert_file) !== Boolean(files.key_file)) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      `${keyPrefix}.cert_file and ${keyPrefix}.key_file go together: set both (a client certificate and its key) or neither`,
    );
  }
  return {
    options: {
      ...(files.ca_file ? { ca: readPem(files.ca_file, `${keyPrefix}.ca_file`) } : {}),
      ...(files.cert_file ? { cert: readPem(files.cert_file, `${keyPrefix}.cert_file`) } : {}),
      ...(files.key_file ? { key: readPem(files.key_file, `${keyPrefix}.key_file`) } : {}),
    },
    caKey: `${keyPrefix}.ca_file`,
    certKey: `${keyPrefix}.cert_file and ${keyPrefix}.key_file`,
  };
}

/**
 * Trusts exactly one certificate, by its SHA-256 fingerprint, whatever its name and issuer: how
 * `birdseye up` has its local agent trust its own server, which may hold a certificate issued for a
 * public name while the agent connects to 127.0.0.1.
 */
export function pinnedTls(fingerprint256: string, clientFiles: ClientTlsFiles, keyPrefix: string): ClientTls {
  return { ...clientTls(clientFiles, keyPrefix), pin: fingerprint256 };
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_PINNED',
]);

/** A TLS failure in words that say what to change; undefined for errors that are not about TLS. */
export function tlsHint(
  error: NodeJS.ErrnoException & { bytesRead?: number },
  tls: ClientTls | undefined,
  https = true,
): string | undefined {
  const code = error.code ?? '';
  const message = error.message ?? '';
  // With TLS 1.3 the server checks the client's certificate after the client thinks the handshake
  // is done, and then just closes: the request sees its connection closed without an answer.
  const hungUp = code === 'ECONNRESET' && /socket hang up/.test(message);
  if (!https && hungUp && error.bytesRead === 0) {
    return 'the server closed the connection without answering: if it serves HTTPS (server.tls), use an https:// server URL';
  }
  if (https && hungUp && error.bytesRead === 0) {
    return `the server closed the connection right after the TLS handshake: it probably requires a client certificate signed by its CA (server.tls.client_ca_file); set ${tls?.certKey ?? 'a client certificate and key'}`;
  }
  const caKey = tls?.caKey ?? 'the CA file option';
  if (UNTRUSTED.has(code)) {
    return `the server's certificate is not trusted (${code}): set ${caKey} to the CA certificate that signed it`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `the server's certificate is not valid now (${code}): renew the server's certificate`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `the server's certificate does not name the host in the server URL (${message}): use a URL with a name the certificate lists`;
  }
  if (
    /certificate required|handshake failure|bad certificate|unknown ca/i.test(message) ||
    /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA)/.test(code)
  ) {
    return `the server refused the connection during the TLS handshake (${code || message}): it requires a client certificate signed by its CA; set ${tls?.certKey ?? 'a client certificate and key'}`;
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message)) {
    return 'the server does not speak TLS on this port: use an http:// server URL, or give the server a certificate (server.tls)';
  }
  return undefined;
}

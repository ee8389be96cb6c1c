import type { Config } from '../config/index.ts';
import { BirdseyeError } from '../core/errors.ts';
import { pinnedTls, type ClientTls } from '../core/tls-client.ts';
import type { HttpsSetup } from '../server/tls/https-options.ts';

/**
 * How the local agent of `birdseye up` reaches its own HTTPS server on 127.0.0.1: it trusts exactly
 * the certificate the server loaded (whatever name or issuer it has) and, when the server requires
 * client certificates, presents agent.tls.cert_file/key_file.
 */
export function localAgentTls(config: Readonly<Config>, https: HttpsSetup | undefined): { tls?: ClientTls } {
  if (!https) return {};
  if (https.clientCertRequired && !config.agent.tls.cert_file) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      'server.tls.client_ca_file makes the server require client certificates, so the local agent of `birdseye up` needs one too: set agent.tls.cert_file and agent.tls.key_file to a certificate signed by that CA',
    );
  }
  return { tls: pinnedTls(https.fingerprint256, config.agent.tls, 'agent.tls') };
}

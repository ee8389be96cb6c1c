import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Pki {
  readonly dir: string;
  /** CA certificate (PEM file) that signed `server` and `client`. */
  readonly caFile: string;
  /** A second, unrelated CA: trusting it instead is the "wrong CA" case. */
  readonly otherCaFile: string;
  /** Leaf for localhost / 127.0.0.1, signed by the CA. */
  readonly server: { certFile: string; keyFile: string };
  /** Client certificate signed by the CA. */
  readonly client: { certFile: string; keyFile: string };
  /** Client certificate signed by the other CA. */
  readonly strangerClient: { certFile: string; keyFile: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

function makeCa(dir: string, name: string): void {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    ]),
    dir,
  );
}

function makeLeaf(dir: string, ca: string, name: string, extensions: string): void {
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
    ].concat(['-days', '1', '-out', `${name}.pem`, '-extfile', `${name}.ext`]),
    dir,
  );
}

/** A small PKI made with openssl in a temp dir: two CAs, a server leaf and client leaves. */
export function makePki(): Pki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-pki-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  makeLeaf(
    dir,
    'ca',
    'server',
    'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  makeLeaf(dir, 'ca', 'client', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  makeLeaf(dir, 'other-ca', 'stranger', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  const pair = (name: string) => ({
    certFile: path.join(dir, `${name}.pem`),
    keyFile: path.join(dir, `${name}.key`),
  });
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    otherCaFile: path.join(dir, 'other-ca.pem'),
    server: pair('server'),
    client: pair('client'),
    strangerClient: pair('stranger'),
  };
}

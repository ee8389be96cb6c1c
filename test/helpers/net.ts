import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A port that was free a moment ago, for settings where 0 means "off" rather than "any". */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Writes `data` to a TCP port and closes the connection, as `nc` would. */
export function sendTcp(port: number, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(data));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

/** Writes many lines to a TCP port, 1,000 at a time, waiting when the socket is full; then closes it. */
export function sendLines(port: number, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      let i = 0;
      const write = () => {
        while (i < lines.length) {
          const chunk = lines.slice(i, i + 1000).join('\n') + '\n';
          i += 1000;
          if (!socket.write(chunk)) return void socket.once('drain', write);
        }
        socket.end();
      };
      write();
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

/** A self-signed certificate for localhost made with openssl, in a temp dir. */
export function selfSignedCert(): { certFile: string; keyFile: string; cert: Buffer } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-cert-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, cert: readFileSync(certFile) };
}

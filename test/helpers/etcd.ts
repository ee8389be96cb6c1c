import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net.ts';

const ETCD = '/usr/bin/etcd';
const ETCDCTL = '/usr/bin/etcdctl';
const run = promisify(execFile);

export interface EtcdTls {
  readonly certFile: string;
  readonly keyFile: string;
  /** With a CA, etcd requires client certificates it signed (--client-cert-auth). */
  readonly caFile?: string;
}

export interface EtcdProcess {
  readonly endpoint: string;
  readonly dataDir: string;
  readonly pid: () => number | undefined;
  /** Runs etcdctl against this etcd (as root when auth is on, if `user` is given). */
  etcdctl(args: string[], user?: string): Promise<string>;
  /** Stops etcd (SIGTERM to its pid) and waits for it to exit; the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  cleanup(): Promise<void>;
}

/**
 * A real etcd (Debian etcd-server) on random loopback ports with a temporary data dir, for tests.
 * Stopped by its pid, never by name.
 */
export async function startEtcd(options: { tls?: EtcdTls } = {}): Promise<EtcdProcess> {
  if (!existsSync(ETCD) || !existsSync(ETCDCTL)) {
    throw new Error(
      `etcd tests need ${ETCD} and ${ETCDCTL}: run node scripts/setup.mjs (apt-get install etcd-server etcd-client)`,
    );
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const scheme = options.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name',
    'test',
    '--data-dir',
    path.join(dataDir, 'data'),
    '--listen-client-urls',
    endpoint,
    '--advertise-client-urls',
    endpoint,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `test=${peer}`,
    '--log-level',
    'error',
  ];
  if (options.tls) {
    args.push('--cert-file', options.tls.certFile, '--key-file', options.tls.keyFile);
    if (options.tls.caFile) args.push('--trusted-ca-file', options.tls.caFile, '--client-cert-auth');
  }
  const tlsArgs = options.tls
    ? [
        '--cacert',
        options.tls.caFile ?? options.tls.certFile,
        '--cert',
        options.tls.certFile,
        '--key',
        options.tls.keyFile,
      ]
    : [];
  const etcdctl = async (ctlArgs: string[], user?: string) => {
    const { stdout } = await run(
      ETCDCTL,
      [
        '--endpoints',
        endpoint,
        '--dial-timeout',
        '2s',
        ...tlsArgs,
        ...(user ? ['--user', user] : []),
        ...ctlArgs,
      ],
      { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 15_000 },
    );
    return stdout;
  };

  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    output = '';
    const proc = spawn(ETCD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}:\n${output}`);
      try {
        await etcdctl(['endpoint', 'health']);
        return;
      } catch (error) {
        // Health fails with "unhealthy" under auth without a user, but etcd answers: that is up.
        if (
          /unauthenticated|user name is empty|permission denied/i.test(
            String((error as { stderr?: string }).stderr),
          )
        )
          return;
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`etcd did not become healthy in time:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    endpoint,
    dataDir,
    pid: () => child?.pid,
    etcdctl,
    stop,
    start,
    async cleanup() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

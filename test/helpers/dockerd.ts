import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EngineClient } from '../../src/agent/sources/docker/engine-client.ts';

/**
 * A private Docker engine for tests: Debian's dockerd with its own data root, exec root, socket
 * and pid file under one short temporary directory (unix socket paths are limited to 108 bytes),
 * vfs storage and no networking set-up, so it touches nothing of the node's. Its one image,
 * `busybox:test`, is a rootfs of Debian's busybox-static imported from a tarball built here.
 * It is stopped by the pid it wrote, never by name.
 */

const DOCKERD = '/usr/sbin/dockerd';
const BUSYBOX = '/bin/busybox';
export const IMAGE = 'busybox:test';

export function requireDocker(): void {
  if (existsSync(DOCKERD) && existsSync(BUSYBOX)) return;
  const setup = new URL('../../scripts/setup.mjs', import.meta.url).pathname;
  spawnSync(process.execPath, [setup], { stdio: 'inherit' });
  if (!existsSync(DOCKERD) || !existsSync(BUSYBOX)) {
    throw new Error(
      `docker tests need ${DOCKERD} and ${BUSYBOX}: run \`node scripts/setup.mjs\` as root ` +
        '(apt-get install -y docker.io busybox-static)',
    );
  }
}

export interface RunOptions {
  name: string;
  cmd: string[];
  tty?: boolean;
  memoryBytes?: number;
  labels?: Record<string, string>;
}

export class TestDockerd {
  readonly client: EngineClient;
  private constructor(
    readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    this.client = new EngineClient({ socketPath: this.socketPath, timeoutMs: 30_000 });
  }

  get socketPath(): string {
    return path.join(this.dir, 'docker.sock');
  }

  /** With `tcp`, it also listens on 127.0.0.1:port with --tlsverify (client certificates required). */
  static async start(
    options: { tcp?: { port: number; caFile: string; certFile: string; keyFile: string } } = {},
  ): Promise<TestDockerd> {
    requireDocker();
    const tcp = options.tcp;
    const tcpArgs = tcp
      ? [
          '--tlsverify',
          `--tlscacert=${tcp.caFile}`,
          `--tlscert=${tcp.certFile}`,
          `--tlskey=${tcp.keyFile}`,
          `--host=tcp://127.0.0.1:${tcp.port}`,
        ]
      : [];
    const dir = mkdtempSync('/tmp/bd-');
    const log = openSync(path.join(dir, 'dockerd.log'), 'a');
    const child = spawn(
      DOCKERD,
      [
        '--storage-driver=vfs',
        '--iptables=false',
        '--ip-masq=false',
        '--bridge=none',
        `--data-root=${path.join(dir, 'data')}`,
        `--exec-root=${path.join(dir, 'x')}`,
        `--host=unix://${path.join(dir, 'docker.sock')}`,
        `--pidfile=${path.join(dir, 'docker.pid')}`,
        ...tcpArgs,
      ],
      { stdio: ['ignore', log, log] },
    );
    const engine = new TestDockerd(dir, child);
    for (const end = Date.now() + 30_000; ;) {
      if (child.exitCode !== null) throw new Error(`dockerd exited: ${engine.log().slice(-2000)}`);
      try {
        await engine.client.raw('GET', '/_ping');
        break;
      } catch (error) {
        if (Date.now() > end) throw new Error(`dockerd did not answer /_ping: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await engine.client.raw('POST', `/images/create?fromSrc=-&repo=busybox&tag=test`, busyboxTar());
    return engine;
  }

  log(): string {
    return readFileSync(path.join(this.dir, 'dockerd.log'), 'utf8');
  }

  /** Creates and starts a container without networking; resolves to its id. */
  async run(options: RunOptions): Promise<string> {
    const { Id } = await this.client.json<{ Id: string }>(
      'POST',
      `/containers/create?name=${encodeURIComponent(options.name)}`,
      {
        Image: IMAGE,
        Cmd: options.cmd,
        Tty: options.tty ?? false,
        Labels: options.labels ?? {},
        HostConfig: { NetworkMode: 'none', Memory: options.memoryBytes ?? 0, MemorySwap: -1 },
      },
    );
    await this.client.raw('POST', `/containers/${Id}/start`);
    return Id;
  }

  async inspect(id: string): Promise<Record<string, unknown>> {
    return this.client.json('GET', `/containers/${id}/json`);
  }

  async remove(id: string): Promise<void> {
    await this.client.raw('DELETE', `/containers/${id}?force=1`).catch(() => undefined);
  }

  /** Stops dockerd by the pid in its pid file (SIGTERM, then SIGKILL) and removes its directory. */
  async stop(): Promise<void> {
    this.client.close();
    const pidFile = path.join(this.dir, 'docker.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : this.child.pid;
    if (pid !== undefined && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => this.child.exitCode === null && process.kill(pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    // Container mounts live under the exec root while dockerd runs; it unmounts them on exit.
    spawnSync('umount', ['-R', path.join(this.dir, 'x')], { stdio: 'ignore' });
    // A container on the host network leaves dockerd's handle on that namespace mounted here.
    spawnSync('umount', [path.join(this.dir, 'x', 'netns', 'default')], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A ustar archive of /bin/busybox and a symlink per applet, enough for `sh -c` scripts. */
function busyboxTar(): Buffer {
  const parts: Buffer[] = [];
  const entry = (name: string, type: '0' | '2' | '5', data = Buffer.alloc(0), link = '', mode = 0o755) => {
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write(mode.toString(8).padStart(7, '0'), 100);
    header.write('0000000', 108);
    header.write('0000000', 116);
    header.write(data.length.toString(8).padStart(11, '0'), 124);
    header.write(
      Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0'),
      136,
    );
    header.write('        ', 148);
    header.write(type, 156);
    header.write(link, 157, 100);
    header.write('ustar\u000000', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148);
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  };
  for (const dir of ['bin/', 'tmp/', 'proc/', 'sys/', 'dev/', 'etc/']) entry(dir, '5');
  entry('bin/busybox', '0', readFileSync(BUSYBOX));
  const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) if (applet !== 'busybox') entry(`bin/${applet}`, '2', undefined, 'busybox');
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireJournalTools } from './journald.ts';

/**
 * A running systemd-journald for tests, without systemd as PID 1 and without touching the node's
 * own journal. journald is started in a private mount namespace (`unshare -m`) in which temporary
 * directories are bind-mounted over /run/systemd/journal (its sockets), /run/log/journal and
 * /var/log/journal (its files), and a journald.conf of our own over /etc/systemd/journald.conf.
 * Without socket activation journald binds its sockets itself. Anything that should see this
 * journal as "the node's journal" — systemd-cat, logger, journalctl, an agent — runs in that
 * namespace through `nsenter --mount`; from outside, the same sockets and files are reachable under
 * the temporary directory. Stopped by its pid, never by name.
 */

const JOURNALD = '/lib/systemd/systemd-journald';

/**
 * Volatile storage in /run/log/journal; no rate limit (journald's default, 10,000 per 30 s per
 * service, would drop numbered entries and cap the benchmark); no kernel messages, no forwarding.
 */
const JOURNALD_CONF = `[Journal]
Storage=volatile
RateLimitIntervalSec=0
ReadKMsg=no
Audit=no
ForwardToSyslog=no
ForwardToWall=no
RuntimeMaxUse=512M
`;

export function requireRunningJournald(): void {
  requireJournalTools();
  for (const tool of [JOURNALD, '/usr/bin/unshare', '/usr/bin/nsenter', '/usr/bin/systemd-cat']) {
    if (!existsSync(tool)) {
      throw new Error(`the running-journald tests need ${tool}: apt-get install -y systemd util-linux`);
    }
  }
  if (process.getuid?.() !== 0) {
    throw new Error('the running-journald tests need root: they start journald in a private mount namespace');
  }
}

export interface JournalWriter {
  /** Writes lines to the journal through one systemd-cat stream. */
  write(lines: string[]): void;
  /** Closes systemd-cat's input and waits for it to exit. */
  end(): Promise<void>;
}

export class RunningJournald {
  private constructor(
    readonly root: string,
    private readonly child: ChildProcess,
    readonly machineId: string,
  ) {}

  static async start(): Promise<RunningJournald> {
    requireRunningJournald();
    const machineId = existsSync('/etc/machine-id') ? readFileSync('/etc/machine-id', 'utf8').trim() : '';
    if (!/^[0-9a-f]{32}$/.test(machineId)) {
      throw new Error('journald needs a machine id: run systemd-machine-id-setup (as root)');
    }
    const root = mkdtempSync(path.join(os.tmpdir(), 'birdseye-journald-'));
    // /run and /var/log of the namespace are directories of ours, so nothing is created on the node.
    for (const dir of ['run/systemd/journal', 'run/log/journal', 'var-log/journal']) {
      mkdirSync(path.join(root, dir), { recursive: true });
    }
    writeFileSync(path.join(root, 'journald.conf'), JOURNALD_CONF);
    const script = [
      'set -e',
      'mount --make-rprivate /',
      `mount --bind ${root}/run /run`,
      `mount --bind ${root}/var-log /var/log`,
      `mount --bind ${root}/journald.conf /etc/systemd/journald.conf`,
      `exec ${JOURNALD}`,
    ].join('\n');
    // unshare and sh exec, so the pid is journald's own.
    const child = spawn('/usr/bin/unshare', ['--mount', '/bin/sh', '-c', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const journald = new RunningJournald(root, child, machineId);
    const deadline = Date.now() + 15_000;
    while (!existsSync(journald.socket('stdout')) || !existsSync(journald.journalDir)) {
      if (child.exitCode !== null) throw new Error(`systemd-journald exited ${child.exitCode}: ${stderr}`);
      if (Date.now() > deadline) {
        await journald.stop();
        throw new Error(`systemd-journald did not start within 15 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return journald;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The directory journald writes its files to, as seen from outside the namespace. */
  get journalDir(): string {
    return path.join(this.root, 'run', 'log', 'journal', this.machineId);
  }

  /** journald's socket `name` (stdout, socket, dev-log), as seen from outside the namespace. */
  socket(name: string): string {
    return path.join(this.root, 'run', 'systemd', 'journal', name);
  }

  /** Command prefix that runs a program in journald's mount namespace. */
  get nsenter(): string[] {
    return ['/usr/bin/nsenter', `--mount=/proc/${this.pid}/ns/mnt`];
  }

  /** A systemd-cat process (in the namespace) that journals each written line as one entry. */
  writer(identifier: string): JournalWriter {
    const [cmd, ...args] = [...this.nsenter, '/usr/bin/systemd-cat', `--identifier=${identifier}`];
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return {
      write: (lines) => {
        child.stdin.write(lines.map((line) => `${line}\n`).join(''));
      },
      end: async () => {
        child.stdin.end();
        await exited;
      },
    };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

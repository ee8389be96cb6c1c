import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { eventually } from './birdseye-process.ts';

/**
 * Makes sure a Debian part a test runs against is installed: runs the setup script (which installs
 * missing parts as root on Debian) and otherwise fails with what to install; never skips.
 */
export function requirePart(file: string, pkg: string): void {
  if (existsSync(file)) return;
  const setup = new URL('../../scripts/setup.mjs', import.meta.url).pathname;
  spawnSync(process.execPath, [setup], { stdio: 'inherit' });
  if (!existsSync(file)) {
    throw new Error(
      `this test needs ${file}: run \`node scripts/setup.mjs\` as root (apt-get install -y ${pkg})`,
    );
  }
}

/** `eventually` with the description first and a default deadline, as the shipper tests call it. */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<T> {
  return eventually(async () => check(), timeoutMs, what, everyMs);
}

export interface Daemon {
  /** Everything the daemon wrote to stdout and stderr so far. */
  readonly log: () => string;
  /** SIGTERM, wait for the exit, remove `dir`. Safe to call more than once. */
  readonly stop: () => Promise<void>;
}

/**
 * Runs a daemon with its output in `<dir>/<name>.log` and resolves once `ready` says it serves;
 * if it exits or never gets ready, it is stopped and the error carries its log.
 */
export async function startDaemon(
  name: string,
  dir: string,
  command: string,
  args: string[],
  ready: () => Promise<boolean>,
): Promise<Daemon> {
  const logFile = path.join(dir, `${name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', out, out] });
  const log = () => readFileSync(logFile, 'utf8');
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => (exited = true));
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await exit;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${name} to be ready`, async () => {
      if (exited) throw new Error(`${name} exited:\n${log()}`);
      return (await ready()) ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { log, stop };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(REPO_ROOT, 'bin', 'birdseye.js');

export interface BirdseyeProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** Base URL of the server (for `up` and `server`). */
  readonly url: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  adminToken(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops (if running) and removes the data dir unless `keepDataDir`. */
  cleanup(): Promise<void>;
}

export interface StartOptions {
  args?: string[];
  env?: Record<string, string>;
  dataDir?: string;
  keepDataDir?: boolean;
  /** Text on stdout that means "started" (default: the banner's "Stop with Ctrl-C."). */
  readyText?: string;
  timeoutMs?: number;
  /** false: leave the gateway port to the config (etcd), instead of turning the gateway off. */
  gatewayOff?: boolean;
  /** Command that runs node, e.g. `nsenter --mount=…` to start the agent in another mount namespace. */
  prefix?: string[];
  /** Options for node itself, before the script (e.g. `--cpu-prof` to profile it). */
  nodeArgs?: string[];
  /** The birdseye script to run (default: this checkout's bin/birdseye.js), e.g. an installed package's. */
  bin?: string;
}

/**
 * Starts `birdseye <command>` as a user would (through bin/birdseye.js) on a random port in a
 * temporary data dir, and waits until it prints its banner.
 */
export async function startBirdseye(
  command: 'up' | 'server' | 'agent',
  options: StartOptions = {},
): Promise<BirdseyeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `birdseye-${command}-`));
  // The test's own args come last, so they win over these defaults.
  const args = [options.bin ?? BIN, command, '--data-dir', dataDir, '--log-format', 'json'];
  if (command !== 'agent') args.push('--port', '0', '--listen-address', '127.0.0.1');
  // The gateway's default port 9000 would collide between tests; a test that wants it sets a port.
  if (command !== 'server' && options.gatewayOff !== false) args.push('--gateway-port', '0');
  args.push(...(options.args ?? []));
  const [program, ...argv] = [
    ...(options.prefix ?? []),
    process.execPath,
    ...(options.nodeArgs ?? []),
    ...args,
  ];
  const child = spawn(program!, argv, {
    cwd: options.bin ? os.tmpdir() : REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = options.readyText ?? 'Stop with Ctrl-C.';
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!out.includes(ready)) {
    if (child.exitCode !== null)
      throw new Error(`birdseye ${command} exited with ${child.exitCode}:\n${out}\n${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`birdseye ${command} did not start in time:\n${out}\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // The server logs its bound URL; the banner shows it as localhost.
  const listening = /"url":"(https?:\/\/[^"]+)"/.exec(err);
  const url = listening?.[1] ?? '';

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    child,
    dataDir,
    url,
    stdout: () => out,
    stderr: () => err,
    adminToken: () => readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim(),
    stop,
    async cleanup() {
      await stop();
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function getJson<T>(url: string, token: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

/** Every record a log query finds, oldest first, following the cursor through all pages. */
export async function searchAll<R>(
  server: BirdseyeProcess,
  q: string,
  token = server.adminToken(),
): Promise<R[]> {
  const out: R[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${server.url}/api/v1/logs/search?q=${encodeURIComponent(q)}&from=0&to=now&order=oldest&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
    const { body }: { body: { records: R[]; next_cursor: string | null } } = await getJson(url, token);
    out.push(...body.records);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}

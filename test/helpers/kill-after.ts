import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from './birdseye-process.ts';

/**
 * Runs the TypeScript `script` with `args`, waits for its first output on stdout, kills it with
 * SIGKILL `afterMs` later and returns the complete lines it printed (a line cut by the kill has no
 * newline yet and is left out). For crash tests: the script prints what it made durable.
 */
export async function killAfterFirstOutput(
  script: string,
  args: string[],
  afterMs: number,
): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const started = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      resolve();
    });
  });
  await Promise.race([started, exited]);
  assert.ok(child.exitCode === null, `${script} exited early: ${err}`);
  await sleep(afterMs);
  child.kill('SIGKILL');
  await exited;
  const end = out.lastIndexOf('\n');
  return end < 0 ? [] : out.slice(0, end).split('\n');
}

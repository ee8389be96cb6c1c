import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

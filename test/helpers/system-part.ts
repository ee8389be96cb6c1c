import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  everyMs = 250,
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
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

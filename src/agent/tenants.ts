import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.ts';

/**
 * Tokens that sources asked for while running (a Docker container's `birdseye.token` label), kept
 * in `<bufferDir>/tenant-tokens.json` (mode 0600, like the config that holds the agent's own token).
 * Each has its own pipeline and disk buffer; remembering the token lets the next start open that
 * buffer again and ship what is left in it, even if no running container names the token any more.
 */

const FILE = 'tenant-tokens.json';

export function rememberedTenants(bufferDir: string): string[] {
  const file = path.join(bufferDir, FILE);
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
}

/** Adds `token` to the file before anything is buffered for it. */
export function rememberTenant(bufferDir: string, token: string): void {
  const known = rememberedTenants(bufferDir);
  if (!known.includes(token)) {
    mkdirSync(bufferDir, { recursive: true });
    writeFileAtomic(path.join(bufferDir, FILE), JSON.stringify([...known, token]));
  }
}

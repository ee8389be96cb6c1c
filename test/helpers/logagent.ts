import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './birdseye-process.ts';

export const LOGAGENT_VERSION = '3.2.0';
const PREFIX = path.join(REPO_ROOT, 'node_modules', '.cache', 'birdseye-parts', 'logagent');
const BIN = path.join(PREFIX, 'node_modules', '.bin', 'logagent');

/**
 * Sematext's logagent from npm, installed on first use into node_modules/.cache (it brings ~400
 * packages, too many to carry as a dev dependency of every checkout). Returns its executable.
 */
export function logagentBin(): string {
  if (existsSync(BIN)) return BIN;
  mkdirSync(PREFIX, { recursive: true });
  try {
    execFileSync(
      'npm',
      ['install', '--prefix', PREFIX, '--no-audit', '--no-fund', `@sematext/logagent@${LOGAGENT_VERSION}`],
      { stdio: 'inherit', timeout: 600_000 },
    );
  } catch (error) {
    throw new Error(
      `cannot install @sematext/logagent@${LOGAGENT_VERSION} from npm into ${PREFIX}: ${(error as Error).message}`,
    );
  }
  if (!existsSync(BIN)) throw new Error(`npm installed logagent but ${BIN} is missing`);
  return BIN;
}

import { readFileSync } from 'node:fs';

/** The package version, reported by agents and shown in the UI. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

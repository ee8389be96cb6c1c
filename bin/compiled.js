// Whether `birdseye agent` runs the compiled CLI (dist/birdseye.js, from `npm run build:agent`) or
// the TypeScript sources through tsx; bin/birdseye.js decides with it, the benchmarks check it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = `${root}dist/birdseye.js`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'web') continue;
    const full = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist/birdseye.js exists and, in a checkout (a .git beside src/), no source is newer. */
export function compiledIsCurrent() {
  if (!existsSync(compiled)) return false;
  // An installed package is never edited (and npm gives its files the install time, in any order).
  if (!existsSync(`${root}.git`)) return true;
  return statSync(compiled).mtimeMs >= newestSource(`${root}src`);
}

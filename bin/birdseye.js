#!/usr/bin/env node
// `birdseye agent` runs the compiled CLI (dist/birdseye.js, from `npm run build:agent`, which the
// npm package ships), so the agent on every node needs no TypeScript loader in memory. Everything
// else runs the TypeScript sources directly through tsx, so a checkout needs no compile step; in a
// checkout (a .git beside src/) the compiled file is used only while no source is newer than it.
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

function useCompiled() {
  if (process.argv[2] !== 'agent' || !existsSync(compiled)) return false;
  // An installed package is never edited (and npm gives its files the install time, in any order).
  if (!existsSync(`${root}.git`)) return true;
  return statSync(compiled).mtimeMs >= newestSource(`${root}src`);
}

if (useCompiled()) {
  await import('../dist/birdseye.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}

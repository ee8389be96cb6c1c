#!/usr/bin/env node
// `birdseye agent` runs the compiled CLI (dist/birdseye.js, from `npm run build:agent`, which the
// npm package ships), so the agent on every node needs no TypeScript loader in memory. Everything
// else runs the TypeScript sources directly through tsx, so a checkout needs no compile step; in a
// checkout (a .git beside src/) the compiled file is used only while no source is newer than it.
import { compiledIsCurrent } from './compiled.js';

if (process.argv[2] === 'agent' && compiledIsCurrent()) {
  await import('../dist/birdseye.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}

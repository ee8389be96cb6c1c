#!/usr/bin/env node
// Compiles the CLI into dist/birdseye.js (plus the chunks it imports when a command runs), which
// bin/birdseye.js runs for `birdseye agent`: the agent then runs without the TypeScript loader (tsx
// and its esbuild service, about 45 MB of RSS on every node), and split into chunks it loads none
// of the server's code (another 11 MB). Packages stay external, resolved from node_modules: bundled
// and minified they saved 2.6 MB at rest, but the agent under load (bench/docker.ts) then held
// 121 MB instead of 98. Every file sits one directory below the package root, as src/*.ts do, so a
// path relative to a module (../package.json) means the same from both.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

mkdirSync('dist', { recursive: true });
for (const name of readdirSync('dist', { withFileTypes: true }).filter((e) => e.isFile()))
  if (/\.js(\.map)?$/.test(name.name)) rmSync(`dist/${name.name}`);
await build({
  entryPoints: { birdseye: 'src/cli/main.ts' },
  outdir: 'dist',
  chunkNames: '[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

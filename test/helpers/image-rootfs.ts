import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { read } from './deploy-files.ts';

/**
 * The Birdseye image without a registry: `docker build` cannot pull node:20-bookworm-slim here, so
 * the image's filesystem is put together from this machine's parts instead — its node and
 * journalctl binaries with the shared libraries they load, busybox for /usr/bin/env, and the npm
 * package as `npm install --global` installed it — while the image's configuration (ENV, USER,
 * VOLUME, EXPOSE, ENTRYPOINT, CMD) is taken from the final stage of the real Dockerfile.
 */

/** Copies `binary` and every library `ldd` says it loads, at the same paths under `root`. */
function copyWithLibraries(root: string, binary: string): void {
  const ldd = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const files = [binary, ...[...ldd.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!)];
  for (const file of files) {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(file, target, { dereference: true });
  }
}

/** A rootfs laid out like the Dockerfile's final stage, with `installed` as the global package. */
export function buildRootfs(root: string, installed: string): void {
  copyWithLibraries(root, '/usr/bin/node');
  copyWithLibraries(root, '/usr/bin/journalctl');
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  cpSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
  symlinkSync('/bin/busybox', path.join(root, 'bin', 'sh'));
  symlinkSync('/bin/busybox', path.join(root, 'usr', 'bin', 'env'));
  const lib = path.join(root, 'usr', 'local', 'lib', 'node_modules', 'birdseye');
  cpSync(installed, lib, { recursive: true, verbatimSymlinks: true });
  mkdirSync(path.join(root, 'usr', 'local', 'bin'), { recursive: true });
  symlinkSync(
    '../lib/node_modules/birdseye/bin/birdseye.js',
    path.join(root, 'usr', 'local', 'bin', 'birdseye'),
  );
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  writeFileSync(
    path.join(root, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n',
  );
  writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\nnode:x:1000:\n');
  mkdirSync(path.join(root, 'tmp'));
  chmodSync(path.join(root, 'tmp'), 0o1777);
  // What `mkdir -p /var/lib/birdseye && chown node:node /var/lib/birdseye` does in the Dockerfile.
  mkdirSync(path.join(root, 'var', 'lib', 'birdseye'), { recursive: true });
  chownSync(path.join(root, 'var', 'lib', 'birdseye'), 1000, 1000);
}

/** The Dockerfile's final-stage instructions that `docker import --change` accepts. */
export function imageChanges(): string[] {
  const dockerfile = read('Dockerfile').replace(/\\\n\s*/g, ' ');
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  return final
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^(ENV|USER|VOLUME|EXPOSE|ENTRYPOINT|CMD) /.test(line));
}

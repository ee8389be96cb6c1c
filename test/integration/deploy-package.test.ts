import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { read } from '../helpers/deploy-files.ts';

/**
 * The npm package as a user installs it: `npm pack` in this checkout, `npm install --global` of the
 * tarball into an empty prefix (dependencies from the npm registry; better-sqlite3 is built here if
 * its prebuilt binary cannot be downloaded, which takes minutes), then the installed `birdseye`
 * binary: its version, a server answering /healthz and serving the UI, and the systemd units run
 * through `systemd-analyze verify` with their ExecStart pointing at that binary.
 */

const run = promisify(execFile);
const VERSION = (JSON.parse(read('package.json')) as { version: string }).version;
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

describe('the npm package and the systemd units', { timeout: 1_200_000 }, () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'birdseye-package-'));
  const prefix = path.join(tmp, 'prefix');
  const bin = path.join(prefix, 'bin', 'birdseye');
  let tarball = '';
  const procs: BirdseyeProcess[] = [];

  before(async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    tarball = path.join(tmp, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
    // node-gyp builds better-sqlite3 on every core when no prebuilt binary is reachable.
    await run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--omit=dev',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        tarball,
      ],
      {
        cwd: tmp,
        env: { ...process.env, JOBS: 'max' },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  });
  after(async () => {
    for (const p of procs) await p.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('packs the CLI, its sources and the built UI, without tests', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.split('\n').filter(Boolean);
    for (const file of [
      'bin/birdseye.js',
      'src/cli/main.ts',
      'dist/web/index.html',
      'deploy/systemd/birdseye-agent.service',
    ]) {
      assert.ok(files.includes(`package/${file}`), `the package has ${file}`);
    }
    assert.deepEqual(
      files.filter(
        (f) => f.endsWith('.test.ts') || f.startsWith('package/test/') || f.startsWith('package/src/web/'),
      ),
      [],
    );
    const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    assert.ok(manifest.dependencies.tsx, 'tsx runs the TypeScript sources at run time: a dependency');
  });

  it('installs a `birdseye` binary that reports the package version', async () => {
    const { stdout } = await run(bin, ['--version'], { cwd: tmp });
    assert.equal(stdout.trim(), VERSION);
    for (const command of ['up', 'server', 'agent']) {
      const help = await run(bin, [command, '--help'], { cwd: tmp });
      assert.match(help.stdout, new RegExp(`Usage: birdseye ${command}`));
    }
  });

  it('runs a server from the installed package that answers /healthz and serves the UI', async () => {
    const server = await startBirdseye('server', { bin });
    procs.push(server);
    assert.doesNotMatch(server.stdout(), /UI build +missing/);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
      status: string;
      version: string;
    };
    assert.deepEqual({ status: health.status, version: health.version }, { status: 'ok', version: VERSION });
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module"/);
  });

  it('the systemd units pass `systemd-analyze verify` with the installed binary, and are hardened', () => {
    assert.ok(existsSync(SYSTEMD_ANALYZE), `${SYSTEMD_ANALYZE} is missing: apt-get install -y systemd`);
    // systemd-analyze works without systemd as PID 1; a bare `birdseye` in ExecStart would be looked
    // up in /usr/local/bin, /usr/bin, …, so the copies point at the installed binary instead.
    const units = path.join(tmp, 'units');
    mkdirSync(units);
    const source = path.join(REPO_ROOT, 'deploy', 'systemd');
    const names = readdirSync(source).filter((f) => f.endsWith('.service'));
    for (const name of names) {
      writeFileSync(
        path.join(units, name),
        read('deploy', 'systemd', name).replace(/^ExecStart=birdseye /m, `ExecStart=${bin} `),
      );
    }
    cpSync(path.join(source, 'birdseye-agent.service.d'), path.join(units, 'birdseye-agent.service.d'), {
      recursive: true,
    });
    const files = names.map((n) => path.join(units, n));
    const verify = spawnSync(SYSTEMD_ANALYZE, ['verify', ...files], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stderr);
    // verify exits 0 on unknown keys and bad values, but says so: nothing may be said.
    assert.equal(`${verify.stdout}${verify.stderr}`.trim(), '');

    for (const file of files) {
      const security = spawnSync(SYSTEMD_ANALYZE, ['security', '--offline=true', '--no-pager', file], {
        encoding: 'utf8',
      });
      const level = /Overall exposure level for \S+: ([\d.]+)/.exec(security.stdout);
      assert.ok(level, security.stdout + security.stderr);
      // systemd rates ≤ 2 "OK", 10 "UNSAFE"; a plain service without hardening scores about 9.6.
      assert.ok(Number(level[1]) <= 2.5, `${path.basename(file)} exposure ${level[1]}`);
    }
  });
});

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import {
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  eventually as waitFor,
  REPO_ROOT,
  searchAll,
  startBirdseye,
  type BirdseyeProcess,
} from '../helpers/birdseye-process.ts';
import { DEPLOY, parseYamlFile, read } from '../helpers/deploy-files.ts';
import { TestDockerd } from '../helpers/dockerd.ts';
import { buildRootfs, imageChanges } from '../helpers/image-rootfs.ts';
import { freePort } from '../helpers/net.ts';

/**
 * The npm package as a user installs it: `npm pack` in this checkout, `npm install --global` of the
 * tarball into an empty prefix (dependencies from the npm registry), then the installed `birdseye`
 * binary: its version, a server answering /healthz and serving the UI, the systemd units run
 * through `systemd-analyze verify` with their ExecStart pointing at that binary, and the image
 * (test/helpers/image-rootfs.ts) run as deploy/compose/compose.yaml says on a private dockerd.
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
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    tarball = path.join(tmp, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
    // Install scripts are skipped and better-sqlite3's native module is copied from this checkout,
    // whose own `npm install` built it from the same version: compiling it again here costs minutes.
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
        '--ignore-scripts',
        tarball,
      ],
      { cwd: tmp, maxBuffer: 64 * 1024 * 1024 },
    );
    const native = path.join('node_modules', 'better-sqlite3', 'build');
    cpSync(path.join(REPO_ROOT, native), path.join(prefix, 'lib', 'node_modules', 'birdseye', native), {
      recursive: true,
    });
  });
  after(async () => {
    for (const p of procs) await p.cleanup();
    for (const cleanup of cleanups) await cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('packs the CLI, its sources and the built UI, without tests', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.split('\n').filter(Boolean);
    for (const file of [
      'bin/birdseye.js',
      'bin/compiled.js',
      'src/cli/main.ts',
      'dist/birdseye.js',
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
    // As a browser asks (without text/html, `/` answers Elasticsearch shippers' version probe).
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module"/);
    // A stored line is indexed by the index worker thread, which loads from the installed files.
    const now = Date.now();
    const ingest = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        batch_id: 'package:1',
        agent_id: 'package',
        seq: 1,
        host: 'pkg-host',
        sent_ts: now,
        logs: [
          {
            ts: now,
            received_ts: now,
            host: 'pkg-host',
            source: 'gateway',
            message: 'installed package works',
          },
        ],
      }),
    });
    assert.equal(ingest.status, 200, await ingest.text());
    const found = await searchAll<{ message: string }>(server, '"package works"');
    assert.deepEqual(
      found.map((r) => r.message),
      ['installed package works'],
    );
  });

  it('runs the agent compiled, without the TypeScript loader', async () => {
    const agent = await startBirdseye('agent', {
      bin,
      args: ['--server', 'http://127.0.0.1:1', '--token', 'package-test', '--agent-port', '0'],
    });
    procs.push(agent);
    // tsx transforms through an esbuild child process; the compiled agent (dist/) starts none.
    const pid = agent.child.pid!;
    const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
    );
    const names = children.map((child) => readFileSync(`/proc/${child}/comm`, 'utf8').trim());
    assert.ok(!names.includes('esbuild'), `the agent runs through tsx (children: ${names.join(', ')})`);
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

  it('runs server and agent as the compose file says, in the image, against a private dockerd', async () => {
    const engine = await TestDockerd.start();
    cleanups.push(() => engine.stop());
    const docker = (...args: string[]) =>
      run('docker', ['-H', `unix://${engine.socketPath}`, ...args], { maxBuffer: 16 * 1024 * 1024 });
    const rootfs = path.join(tmp, 'rootfs');
    buildRootfs(rootfs, path.join(prefix, 'lib', 'node_modules', 'birdseye'));
    const tar = path.join(tmp, 'rootfs.tar');
    await run('tar', ['-C', rootfs, '--numeric-owner', '-cf', tar, '.']);
    const image = `birdseye:${VERSION}`;
    await docker('import', ...imageChanges().flatMap((c) => ['--change', c]), tar, image);

    // compose.yaml as written, but: host network for the server too and free ports instead of
    // 8080/9000/9001 (this dockerd has no bridge to publish ports from), named volumes as
    // directories, and the private dockerd's directory as the host's /var/run.
    const [compose] = parseYamlFile('deploy', 'compose', 'compose.yaml') as Array<{
      services: Record<
        string,
        { command: string[]; user?: string; environment: Record<string, string>; volumes: string[] }
      >;
    }>;
    const token = 'compose-test-token-0123456789';
    const [port, gateway, agentPort] = [await freePort(), await freePort(), await freePort()];
    const set: Record<string, string> = {
      BIRDSEYE_PORT: String(port),
      BIRDSEYE_ADMIN_TOKEN: token,
      BIRDSEYE_TOKEN: token,
      BIRDSEYE_SERVER: `http://127.0.0.1:${port}`,
      BIRDSEYE_GATEWAY_PORT: String(gateway),
      BIRDSEYE_AGENT_PORT: String(agentPort),
    };
    const started: Record<string, string> = {};
    for (const [name, service] of Object.entries(compose!.services)) {
      const args = ['run', '--detach', '--name', `compose-${name}`, '--network', 'host'];
      if (service.user) args.push('--user', service.user);
      for (const [key, value] of Object.entries(service.environment))
        args.push('--env', `${key}=${set[key] ?? value}`);
      for (const volume of service.volumes) {
        const [source, target, mode] = volume.split(':') as [string, string, string?];
        let host = source;
        if (source.startsWith('./')) host = path.join(DEPLOY, 'compose', source);
        else if (!source.startsWith('/')) {
          // A new named volume takes the owner of the image's directory: node (1000), as the Dockerfile says.
          host = path.join(tmp, `volume-${source}`);
          mkdirSync(host);
          chownSync(host, 1000, 1000);
        } else if (source === '/var/run') host = engine.dir;
        // rslave needs / to be a shared mount, as systemd makes it; this machine's is private.
        const options = source === '/' ? mode?.replace(/,?rslave/, '') : mode;
        args.push('--volume', `${host}:${target}${options ? `:${options}` : ''}`);
      }
      const { stdout } = await docker(...args, image, ...service.command);
      started[name] = stdout.trim();
      cleanups.unshift(() => docker('rm', '--force', started[name]!).then(() => undefined));
    }

    const api = async <T>(url: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${url}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!response.ok) return undefined;
      return (await response.json()) as T;
    };
    const logs = async () =>
      Promise.all(
        Object.values(started).map(async (id) => {
          const out = await docker('logs', id);
          return (out.stdout + out.stderr).slice(-3000);
        }),
      ).then((parts) => parts.join('\n'));
    const eventually = async <T>(
      check: () => Promise<T | undefined>,
      ms: number,
      what: string,
    ): Promise<T> => {
      try {
        return await waitFor(check, ms, what);
      } catch (error) {
        throw new Error(`${(error as Error).message}\ncontainer output:\n${await logs()}`);
      }
    };
    await eventually(() => api<{ status: string }>('/healthz'), 120_000, 'the server container');
    // The agent's docker source, reading /host/run/docker.sock and the host's cgroups, sees itself.
    const containers = await eventually(
      async () => {
        const body = await api<{ containers: Array<{ name: string; host: string }> }>('/api/v1/containers');
        return body?.containers.some((c) => c.name === 'compose-agent') ? body.containers : undefined;
      },
      120_000,
      'the agent container reported by the docker source',
    );
    assert.equal(containers.find((c) => c.name === 'compose-agent')!.host, os.hostname());
    // Host metrics from /host/proc: the node's memory, not the container's.
    const memTotal = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
    const metric = await eventually(
      async () => {
        const q = encodeURIComponent(`node_memory_MemTotal_bytes{host="${os.hostname()}"}`);
        const body = await api<{ series: Array<{ points: Array<[number, number]> }> }>(
          `/api/v1/metrics/query?query=${q}&from=now-10m&to=now&step=60000`,
        );
        return body?.series[0]?.points.at(-1)?.[1];
      },
      60_000,
      'host metrics from the agent container',
    );
    assert.equal(metric, memTotal);
  });
});

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { MALLOC_ENV } from '../../src/agent/heap-mode.ts';
import { CONFIG_FILE_ENV, loadConfig, OPTIONS, type Command } from '../../src/config/index.ts';
import {
  DEPLOY,
  isMounted,
  parseDockerRun,
  parseEnvFile,
  parseUnit,
  parseYamlFile,
  read,
  unitValues,
} from '../helpers/deploy-files.ts';

/**
 * What a user deploying with deploy/ would trip over, checked against the real config schema and
 * option table: variable names that are no option, values the schema rejects, config paths that no
 * volume provides, images, ports and names that differ between the files. (The package, the unit
 * files against systemd and the binary are in deploy-package.test.ts.)
 */

type Obj = Record<string, unknown>;
const VERSION = (JSON.parse(read('package.json')) as { version: string }).version;
const IMAGE = `birdseye:${VERSION}`;
const KNOWN_ENV = new Set([...OPTIONS.map((o) => o.env), CONFIG_FILE_ENV]);
const DATA_DIR_IN_IMAGE = '/var/lib/birdseye';

function assertKnownEnv(names: Iterable<string>, where: string): void {
  for (const name of names) {
    assert.ok(KNOWN_ENV.has(name), `${where}: ${name} is not a Birdseye option (src/config/options.ts)`);
  }
}

/** The env a command gets accepted by the config loader, and options it sets meant for that command. */
function assertValidEnv(env: Map<string, string>, command: Command, where: string, file?: string): void {
  for (const name of env.keys()) {
    const spec = OPTIONS.find((o) => o.env === name);
    if (spec) assert.ok(spec.commands.includes(command), `${where}: ${name} has no effect on \`${command}\``);
  }
  const plain = Object.fromEntries([...env].filter(([k]) => k !== CONFIG_FILE_ENV));
  assert.doesNotThrow(() => loadConfig({ env: plain, ...(file ? { file } : {}) }), where);
}

/** The agent config file every container deployment mounts, with the host paths it expects. */
const AGENT_CONFIG = path.join(DEPLOY, 'compose', 'agent.yaml');
function hostPathsOf(config: ReturnType<typeof loadConfig>): string[] {
  const a = config.agent;
  return [
    a.host_metrics.proc_root,
    a.host_metrics.sys_root,
    a.host_metrics.rootfs_path,
    a.docker.proc_root,
    a.docker.cgroup_root,
    path.dirname(a.docker.socket_path),
    path.dirname(a.journald.directory ?? '/var/log/journal'),
  ];
}

const k8s = () => {
  const docs: Obj[] = [];
  for (const file of readdirSync(path.join(DEPLOY, 'kubernetes')).filter((f) => f.endsWith('.yaml'))) {
    docs.push(...parseYamlFile('deploy', 'kubernetes', file).map((d) => ({ ...d, __file: file })));
  }
  return docs;
};
const kind = (docs: Obj[], k: string, name: string) => {
  const doc = docs.find((d) => d.kind === k && (d.metadata as Obj).name === name);
  assert.ok(doc, `deploy/kubernetes has no ${k} ${name}`);
  return doc as Obj & { spec: Obj };
};
const podSpec = (workload: Obj & { spec: Obj }) => (workload.spec.template as Obj).spec as Obj;
interface Container {
  image: string;
  args: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: Obj }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
}
const containerOf = (workload: Obj & { spec: Obj }) => (podSpec(workload).containers as Container[])[0]!;
const envOf = (c: Container) => new Map((c.env ?? []).map((e) => [e.name, e.value ?? '<from secret>']));

describe('deployment files (deploy/) against the real options and schema', () => {
  it('the three agent config files are one config the schema accepts', () => {
    const compose = parseYaml(read('deploy', 'compose', 'agent.yaml')) as unknown;
    assert.deepEqual(parseYaml(read('deploy', 'fleet', 'agent.yaml')), compose);
    const configMap = kind(k8s(), 'ConfigMap', 'birdseye-agent') as Obj;
    assert.deepEqual(parseYaml((configMap.data as Obj)['agent.yaml'] as string), compose);
    const config = loadConfig({ file: AGENT_CONFIG, env: {} });
    assert.equal(config.agent.journald.directory, '/host/log/journal');
  });

  it('systemd units: known variables, valid example env files, data dir in the state directory', () => {
    for (const [name, command] of [
      ['server', 'server'],
      ['agent', 'agent'],
    ] as const) {
      const unit = parseUnit(read('deploy', 'systemd', `birdseye-${name}.service`));
      const env = new Map(
        unitValues(unit, 'Service', 'Environment').map((e) => e.split('=', 2) as [string, string]),
      );
      const file = parseEnvFile(read('deploy', 'systemd', `${name}.env`));
      if (name === 'agent') {
        for (const [key, value] of Object.entries(MALLOC_ENV)) {
          assert.equal(env.get(key), value, `the agent's unit sets ${key} as MALLOC_ENV says`);
          env.delete(key);
        }
      }
      assertKnownEnv(
        [...env.keys(), ...parseEnvFile(read('deploy', 'systemd', `${name}.env`), true).keys()],
        name,
      );
      assertValidEnv(new Map([...env, ...file]), command, `deploy/systemd/${name}.env`);
      assert.deepEqual(unitValues(unit, 'Service', 'EnvironmentFile'), [`-/etc/birdseye/${name}.env`]);
      const state = unitValues(unit, 'Service', 'StateDirectory')[0];
      assert.equal(
        env.get('BIRDSEYE_DATA_DIR'),
        `/var/lib/${state}`,
        `${name}: data dir is the state directory`,
      );
      assert.deepEqual(unitValues(unit, 'Service', 'Restart'), ['always']);
      assert.deepEqual(unitValues(unit, 'Service', 'ExecStart'), [`birdseye ${command}`]);
    }
    const agent = parseUnit(read('deploy', 'systemd', 'birdseye-agent.service'));
    assert.deepEqual(unitValues(agent, 'Service', 'SupplementaryGroups'), ['systemd-journal']);
    assert.equal(unitValues(agent, 'Service', 'ProtectProc').length, 0, 'other processes stay visible');
    const docker = parseUnit(read('deploy', 'systemd', 'birdseye-agent.service.d', 'docker.conf'));
    assert.deepEqual(unitValues(docker, 'Service', 'SupplementaryGroups'), ['docker']);
  });

  it('fleet units: the image, its command, variables, and a volume for every path the config reads', () => {
    const agent = parseUnit(read('deploy', 'fleet', 'birdseye-agent.service'));
    assert.deepEqual(unitValues(agent, 'X-Fleet', 'Global'), ['true']);
    const run = parseDockerRun(unitValues(agent, 'Service', 'ExecStart')[0]!);
    assert.equal(run.image, IMAGE);
    assert.deepEqual(run.args, ['agent']);
    assertKnownEnv(run.env.keys(), 'fleet agent');
    assert.deepEqual(run.envFiles, unitValues(agent, 'Service', 'EnvironmentFile'));
    const config = run.env.get(CONFIG_FILE_ENV)!;
    const mounts = run.volumes.map((v) => v.container);
    assert.ok(isMounted(config, mounts), `${config} is mounted`);
    assert.ok(mounts.includes(DATA_DIR_IN_IMAGE), 'the agent state survives the container');
    for (const p of hostPathsOf(loadConfig({ file: AGENT_CONFIG, env: {} }))) {
      assert.ok(isMounted(p, mounts), `fleet agent: ${p} (agent.yaml) has a volume`);
    }
    assert.ok(run.volumes.every((v) => v.container === DATA_DIR_IN_IMAGE || v.options.includes('ro')));
    const server = parseUnit(read('deploy', 'fleet', 'birdseye-server.service'));
    const srv = parseDockerRun(unitValues(server, 'Service', 'ExecStart')[0]!);
    assert.equal(srv.image, IMAGE);
    assert.deepEqual(srv.args, ['server']);
    assert.ok(srv.volumes.some((v) => v.container === DATA_DIR_IN_IMAGE));
    assert.ok(unitValues(server, 'Service', 'ExecStart')[0]!.includes('--publish 8080:8080'));
  });

  it('compose: the image, commands, variables, mounts, ports and the health check', () => {
    const [compose] = parseYamlFile('deploy', 'compose', 'compose.yaml') as Array<{ services: Obj }>;
    const services = compose!.services as Record<
      string,
      { image: string; command: string[]; environment: Obj; volumes: string[]; ports?: string[] }
    >;
    for (const [name, service] of Object.entries(services)) {
      assert.equal(service.image, IMAGE, name);
      assert.deepEqual(service.command, [name]);
      // ${VAR:?…} and ${VAR} are filled in by compose from .env; any value will do for the schema.
      const env = new Map(
        Object.entries(service.environment).map(([k, v]) => [
          k,
          String(v).replace(/^\$\{BIRDSEYE_ADMIN_TOKEN.*\}$/, 'a-token-of-24-characters'),
        ]),
      );
      assertKnownEnv(env.keys(), `compose ${name}`);
      const targets = service.volumes.map((v) => v.split(':')[1]!);
      assert.ok(targets.includes(DATA_DIR_IN_IMAGE), `compose ${name}: data in a volume`);
      const config = env.get(CONFIG_FILE_ENV);
      if (config !== undefined) {
        assert.ok(targets.includes(config), `compose ${name}: ${config} is mounted`);
        const source = service.volumes.find((v) => v.split(':')[1] === config)!.split(':')[0]!;
        assertValidEnv(env, name as Command, `compose ${name}`, path.join(DEPLOY, 'compose', source));
        for (const p of hostPathsOf(loadConfig({ file: AGENT_CONFIG, env: {} }))) {
          assert.ok(isMounted(p, targets), `compose ${name}: ${p} (agent.yaml) has a volume`);
        }
      } else assertValidEnv(env, name as Command, `compose ${name}`);
    }
    const port = services.server!.environment.BIRDSEYE_PORT as string;
    assert.deepEqual(services.server!.ports, [`${port}:${port}`]);
    assert.equal(services.agent!.environment.BIRDSEYE_SERVER, `http://127.0.0.1:${port}`);
  });

  it('kubernetes: images, variables, secret, service, probes and the DaemonSet mounts', () => {
    const docs = k8s();
    const listed = (parseYaml(read('deploy', 'kubernetes', 'kustomization.yaml')) as { resources: string[] })
      .resources;
    assert.deepEqual(
      [...listed].sort(),
      [...new Set(docs.map((d) => d.__file as string))].filter((f) => f !== 'kustomization.yaml').sort(),
    );
    for (const d of docs.filter((d) => d.kind !== 'Namespace' && d.kind !== 'Kustomization')) {
      assert.equal((d.metadata as Obj).namespace, 'birdseye', `${d.kind as string} in the namespace`);
    }
    const secret = kind(docs, 'Secret', 'birdseye-token') as Obj;
    const server = kind(docs, 'Deployment', 'birdseye-server');
    const agent = kind(docs, 'DaemonSet', 'birdseye-agent');
    const service = kind(docs, 'Service', 'birdseye');
    for (const [workload, command] of [
      [server, 'server'],
      [agent, 'agent'],
    ] as const) {
      const c = containerOf(workload);
      assert.equal(c.image, IMAGE);
      assert.deepEqual(c.args, [command]);
      assertKnownEnv(envOf(c).keys(), command);
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef as { name: string; key: string } | undefined;
        if (ref) {
          assert.equal(ref.name, (secret.metadata as Obj).name);
          assert.ok(ref.key in (secret.stringData as Obj), `secret key ${ref.key}`);
        }
      }
      const mounts = c.volumeMounts.map((m) => m.mountPath);
      assert.ok(mounts.includes(envOf(c).get('BIRDSEYE_DATA_DIR')!), `${command}: data dir on a volume`);
      const volumes = (podSpec(workload).volumes as Array<{ name: string }>).map((v) => v.name);
      for (const m of c.volumeMounts) assert.ok(volumes.includes(m.name), `volume ${m.name} exists`);
    }
    const srv = containerOf(server);
    const port = Number(envOf(srv).get('BIRDSEYE_PORT'));
    assert.deepEqual(srv.ports, [{ name: 'http', containerPort: port }]);
    assert.deepEqual(srv.readinessProbe?.httpGet, { path: '/healthz', port: 'http' });
    const svcPort = (service.spec.ports as Array<{ port: number; targetPort: string }>)[0]!;
    assert.equal(svcPort.targetPort, 'http');
    assert.deepEqual(service.spec.selector, (server.spec.selector as Obj).matchLabels);
    const serverEnv = envOf(srv);
    assertValidEnv(
      new Map([...serverEnv].map(([k, v]) => [k, v.replace('<from secret>', 'x'.repeat(24))])),
      'server',
      'k8s server',
    );

    const ag = containerOf(agent);
    const env = envOf(ag);
    assert.equal(env.get('BIRDSEYE_SERVER'), `http://birdseye.birdseye.svc:${svcPort.port}`);
    assert.deepEqual((ag.env ?? []).find((e) => e.name === 'BIRDSEYE_HOST_NAME')?.valueFrom, {
      fieldRef: { fieldPath: 'spec.nodeName' },
    });
    const mounts = ag.volumeMounts.map((m) => m.mountPath);
    assert.ok(isMounted(env.get(CONFIG_FILE_ENV)!, mounts));
    for (const p of hostPathsOf(loadConfig({ file: AGENT_CONFIG, env: {} }))) {
      assert.ok(isMounted(p, mounts), `DaemonSet: ${p} (agent.yaml) has a volume`);
    }
    const hostPaths = new Map(
      (podSpec(agent).volumes as Array<{ name: string; hostPath?: { path: string } }>).map((v) => [
        v.name,
        v.hostPath?.path,
      ]),
    );
    const hostOf = (mountPath: string) =>
      hostPaths.get(ag.volumeMounts.find((m) => m.mountPath === mountPath)!.name);
    assert.equal(hostOf('/host/proc'), '/proc');
    assert.equal(hostOf('/host/sys'), '/sys');
    assert.equal(hostOf('/host/log'), '/var/log');
    assert.equal(hostOf('/host/run'), '/var/run');
    assert.equal(
      hostOf(DATA_DIR_IN_IMAGE),
      '/var/lib/birdseye-agent',
      'the buffer and cursor outlive the pod',
    );
    assert.equal(podSpec(agent).hostNetwork, true);
    assertValidEnv(
      new Map([...env].map(([k, v]) => [k, v.replace('<from secret>', 'x'.repeat(24))])),
      'agent',
      'k8s agent',
      AGENT_CONFIG,
    );
  });

  it('the image: the build file uses the tag, the data dir and ports the deployments use', () => {
    const dockerfile = read('Dockerfile');
    assert.match(dockerfile, new RegExp(`docker build -t ${IMAGE.replace('.', '\\.')} \\.`));
    assert.match(dockerfile, /^FROM node:20-bookworm-slim$/m);
    assert.match(dockerfile, new RegExp(`BIRDSEYE_DATA_DIR=${DATA_DIR_IN_IMAGE}`));
    for (const [key, value] of Object.entries(MALLOC_ENV)) {
      assert.match(dockerfile, new RegExp(`^ +${key}=${value}( \\\\)?$`, 'm'), `the image sets ${key}`);
    }
    assert.match(dockerfile, /^EXPOSE 8080 9000$/m);
    assert.match(dockerfile, /^ENTRYPOINT \["birdseye"\]$/m);
    assert.match(dockerfile, /^CMD \["server"\]$/m);
  });
});

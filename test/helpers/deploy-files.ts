import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './birdseye-process.ts';

/**
 * Readers for the files under deploy/ and the Dockerfile, so the deployment tests can check them
 * against the real CLI and config schema: systemd unit files, env files, `docker run` lines of the
 * fleet units, and YAML (compose, Kubernetes) as plain objects.
 */

export const DEPLOY = path.join(REPO_ROOT, 'deploy');
export const read = (...parts: string[]) => readFileSync(path.join(REPO_ROOT, ...parts), 'utf8');

export type Unit = Map<string, Map<string, string[]>>;

/** A systemd unit file: section → key → values in order; continuation lines joined, comments dropped. */
export function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 0) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

export function unitValues(unit: Unit, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

/** `KEY=value` lines of an env file; `commented` also returns the `#KEY=value` examples. */
export function parseEnvFile(text: string, commented = false): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = (commented ? /^#?([A-Z][A-Z0-9_]*)=(.*)$/ : /^([A-Z][A-Z0-9_]*)=(.*)$/).exec(raw.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

export interface DockerRun {
  env: Map<string, string>;
  envFiles: string[];
  /** Volume mounts as host path → container path. */
  volumes: Array<{ host: string; container: string; options: string }>;
  image: string;
  args: string[];
}

/** The options of a `docker run` command line that the fleet units use. */
export function parseDockerRun(command: string): DockerRun {
  const words = command.split(/\s+/).filter(Boolean);
  const run = words.indexOf('run');
  if (run < 0) throw new Error(`not a docker run line: ${command}`);
  const result: DockerRun = { env: new Map(), envFiles: [], volumes: [], image: '', args: [] };
  const withValue = new Set([
    '--name',
    '--network',
    '--user',
    '--env',
    '--env-file',
    '--volume',
    '--publish',
  ]);
  let i = run + 1;
  for (; i < words.length && words[i]!.startsWith('-'); i++) {
    const flag = words[i]!;
    if (!withValue.has(flag)) continue;
    const value = words[++i]!;
    if (flag === '--env') {
      const eq = value.indexOf('=');
      result.env.set(value.slice(0, eq), value.slice(eq + 1));
    } else if (flag === '--env-file') result.envFiles.push(value);
    else if (flag === '--volume') {
      const [host, container, options = ''] = value.split(':');
      result.volumes.push({ host: host!, container: container!, options });
    }
  }
  result.image = words[i] ?? '';
  result.args = words.slice(i + 1);
  return result;
}

/** Every document of a YAML file as plain objects; a YAML error fails with its position. */
export function parseYamlFile(...parts: string[]): Array<Record<string, unknown>> {
  const docs = parseAllDocuments(read(...parts));
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${parts.join('/')}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Record<string, unknown>;
  });
}

/** Whether `file` lies at or under one of the mount points. */
export function isMounted(file: string, mountPoints: string[]): boolean {
  return mountPoints.some((m) => file === m || file.startsWith(m.endsWith('/') ? m : `${m}/`));
}

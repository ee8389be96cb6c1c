import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema } from '../schema.ts';

/**
 * The key layout under the prefix (`/birdseye/<cluster>/`):
 *
 *   agent/server_url                         a config path, `/` for `.`: applies to every node
 *   hosts/<host-name>/agent/gateway/port     the same paths, for one node only (wins over the above)
 *   agents/<host-name>                       an agent's registration (leased; not config)
 *
 * Each value is JSON (YAML is accepted too, so `etcdctl put` of a bare word works). A key names a
 * leaf or a whole section (`agent/gateway/listeners` holds the list). Only the sections that make
 * sense cluster-wide are allowed: `data_dir`, `host_name` and `etcd` itself stay per process.
 */
export const SETTABLE_ROOTS = ['agent', 'server', 'log_level', 'log_format'] as const;
export const HOSTS_DIR = 'hosts/';
export const AGENTS_DIR = 'agents/';

type Schema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  out?: Schema;
}

function defOf(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema for one config path, or a reason why the path is not a key. */
export function schemaAt(path: readonly string[]): Schema | string {
  if (path.length === 0 || !(SETTABLE_ROOTS as readonly string[]).includes(path[0]!)) {
    return `not a cluster-wide setting; keys start with ${SETTABLE_ROOTS.join('/, ')}/ or hosts/<host-name>/`;
  }
  let schema: Schema = configSchema;
  for (const [i, part] of path.entries()) {
    let def = defOf(schema);
    while (def.innerType || (def.type === 'pipe' && def.out)) {
      schema = def.innerType ?? def.out!;
      def = defOf(schema);
    }
    const child = def.type === 'object' ? def.shape?.[part] : undefined;
    if (!child) return `unknown setting "${part}" in ${path.slice(0, i + 1).join('/')}`;
    schema = child;
  }
  return schema;
}

export type KeyTarget =
  | { kind: 'cluster'; path: string[] }
  | { kind: 'host'; host: string; path: string[] }
  | { kind: 'registration'; host: string }
  | { kind: 'invalid'; reason: string };

/** What a key under the prefix (without the prefix) means. */
export function classifyKey(relative: string): KeyTarget {
  if (relative.startsWith(AGENTS_DIR))
    return { kind: 'registration', host: relative.slice(AGENTS_DIR.length) };
  if (relative.startsWith(HOSTS_DIR)) {
    const [host, ...path] = relative.slice(HOSTS_DIR.length).split('/');
    if (!host || path.length === 0)
      return { kind: 'invalid', reason: 'expected hosts/<host-name>/<setting>' };
    return { kind: 'host', host, path };
  }
  const path = relative.split('/').filter((p) => p !== '');
  if (path.length === 0) return { kind: 'invalid', reason: 'empty key' };
  return { kind: 'cluster', path };
}

/** A stored value: JSON as written by `birdseye config set`, or YAML/a bare word from etcdctl. */
export function decodeValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      return parseYaml(text) as unknown;
    } catch {
      return text;
    }
  }
}

export function encodeValue(value: unknown): string {
  return JSON.stringify(value);
}

/** Checks one value against the schema of its path; the reason names what is wrong. */
export function validateValue(
  path: readonly string[],
  value: unknown,
): { ok: true } | { ok: false; reason: string } {
  const schema = schemaAt(path);
  if (typeof schema === 'string') return { ok: false, reason: schema };
  const result = schema.safeParse(value);
  if (result.success) return { ok: true };
  const reason = result.error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
  return { ok: false, reason };
}

/**
 * The value a user typed on the command line: YAML first (`5000`, `[a, b]`, `true`), and when that
 * does not fit the setting but the text itself does (a token of digits), the text as a string.
 */
export function parseCliValue(path: readonly string[], text: string): { value: unknown; reason?: string } {
  let parsed: unknown;
  try {
    parsed = parseYaml(text) as unknown;
  } catch {
    parsed = text;
  }
  const first = validateValue(path, parsed);
  if (first.ok) return { value: parsed };
  if (parsed !== text && validateValue(path, text).ok) return { value: text };
  return { value: parsed, reason: first.reason };
}

import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { BirdseyeError, formatPath } from '../core/errors.ts';
import { isPlainObject, leafPaths, mergeAt, type EtcdLayer } from './etcd/layer.ts';
import { OPTIONS, type OptionSpec } from './options.ts';
import { configSchema, type Config } from './schema.ts';

export interface LoadOptions {
  /** YAML config file; missing means none. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Flag values by flag name (`data-dir`), as commander hands them over (strings). */
  flags?: Record<string, unknown>;
  /** This node's settings from etcd (see etcd/layer.ts), between the file and the environment. */
  etcd?: EtcdLayer | undefined;
  /** Shown as the origin of etcd values, e.g. `/birdseye/default/`. */
  etcdPrefix?: string;
}

/** Where an effective value came from: `default`, `file`, `etcd`, `env` or `flag`, and which one. */
export interface Origin {
  readonly layer: 'default' | 'file' | 'etcd' | 'env' | 'flag';
  readonly detail?: string;
}

export interface ResolvedConfig {
  readonly config: Readonly<Config>;
  /** Origin of each leaf that is not a default, by dotted path (`agent.gateway.port`). */
  readonly origins: ReadonlyMap<string, Origin>;
}

type Tree = Record<string, unknown>;

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1]!] = value;
}

function coerce(spec: OptionSpec, raw: unknown, origin: string): unknown {
  if (spec.type === 'string' || typeof raw !== 'string') return raw;
  if (spec.type === 'int') {
    if (!/^-?\d+$/.test(raw.trim())) {
      throw new BirdseyeError('BE_CONFIG_INVALID', `${origin}: "${raw}" is not a whole number`);
    }
    return Number(raw);
  }
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new BirdseyeError('BE_CONFIG_INVALID', `${origin}: "${raw}" is not true or false`);
}

function readFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new BirdseyeError(
      'BE_CONFIG_FILE',
      `cannot read config file ${file}: ${(cause as Error).message}`,
      { cause },
    );
  }
  try {
    const doc: unknown = parseYaml(text) ?? {};
    if (typeof doc !== 'object' || Array.isArray(doc))
      throw new Error('the top level must be a mapping of keys');
    return doc as Tree;
  } catch (cause) {
    const where = cause instanceof YAMLParseError ? ` (line ${cause.linePos?.[0].line ?? '?'})` : '';
    throw new BirdseyeError('BE_CONFIG_FILE', `config file ${file}${where}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/**
 * Builds the config from defaults < file < etcd < environment < flags, validates it once against
 * the schema and freezes it. This is the one place that knows the precedence. An invalid value is
 * reported with its key and where it came from.
 */
export function resolveConfig(options: LoadOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const file = options.file;
  const tree: Tree = file ? readFile(file) : {};
  const origins = new Map<string, Origin>();
  const record = (path: readonly string[], value: unknown, origin: Origin) => {
    for (const leaf of leafPaths(path, value)) origins.set(leaf.join('.'), origin);
  };
  if (file) record([], tree, { layer: 'file', detail: file });
  if (options.etcd) {
    for (const [key, value] of Object.entries(options.etcd.tree)) mergeAt(tree, [key], value);
    for (const [path, key] of options.etcd.keys) {
      origins.set(path, { layer: 'etcd', detail: `${options.etcdPrefix ?? ''}${key}` });
    }
  }
  for (const spec of OPTIONS) {
    const raw = env[spec.env];
    if (raw === undefined || raw === '') continue;
    setPath(tree, spec.path, coerce(spec, raw, spec.env));
    origins.set(spec.path.join('.'), { layer: 'env', detail: spec.env });
  }
  for (const spec of OPTIONS) {
    const raw = options.flags?.[spec.flag];
    if (raw === undefined) continue;
    setPath(tree, spec.path, coerce(spec, raw, `--${spec.flag}`));
    origins.set(spec.path.join('.'), { layer: 'flag', detail: `--${spec.flag}` });
  }

  const result = configSchema.safeParse(tree);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = formatPath(issue.path);
      const found = origins.get(issue.path.join('.'));
      const origin = found
        ? found.layer === 'file'
          ? `config file ${file}`
          : `${found.layer === 'etcd' ? 'etcd ' : ''}${found.detail}`
        : file
          ? `config file ${file}`
          : 'defaults';
      return `  ${key} (from ${origin}): ${issue.message}`;
    });
    throw new BirdseyeError('BE_CONFIG_INVALID', `invalid configuration:\n${lines.join('\n')}`);
  }
  return { config: deepFreeze(result.data), origins };
}

export function loadConfig(options: LoadOptions = {}): Readonly<Config> {
  return resolveConfig(options).config;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { connectEtcd, etcdError } from '../config/etcd/client.ts';
import { prefixOf } from '../config/etcd/config.ts';
import { classifyKey, decodeValue, encodeValue, parseCliValue, validateValue } from '../config/etcd/keys.ts';
import { isPlainObject } from '../config/etcd/layer.ts';
import { CONFIG_FILE_ENV, loadConfig, OPTIONS } from '../config/index.ts';
import { BirdseyeError } from '../core/errors.ts';

/**
 * `birdseye config get|set|unset|list|import|export`: the cluster-wide settings in etcd, each value
 * checked against the config schema before it is written, so an agent never meets a bad one that
 * came through this tool.
 */
type Flags = Record<string, unknown>;

export function addEtcdOptions(command: Command): Command {
  command.addOption(
    new Option('-c, --config <file>', 'YAML config file (its etcd: section)').env(CONFIG_FILE_ENV),
  );
  for (const option of OPTIONS.filter((o) => o.commands.includes('config'))) {
    command.addOption(
      new Option(`--${option.flag} <${option.argName ?? 'value'}>`, `${option.help} [env: ${option.env}]`),
    );
  }
  return command;
}

/** commander's camelCase option values, by flag name, as the config loader takes them. */
export function flagValues(flags: Flags): Record<string, unknown> {
  return Object.fromEntries(
    OPTIONS.map((o) => [o.flag, flags[o.flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())]]),
  );
}

async function withEtcd<T>(
  flags: Flags,
  action: string,
  run: (client: ReturnType<typeof connectEtcd>, prefix: string) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ file: flags.config as string | undefined, flags: flagValues(flags) });
  if (config.etcd.endpoints.length === 0) {
    throw new BirdseyeError('BE_CONFIG_INVALID', 'no etcd given: pass --etcd URL[,URL] or set BIRDSEYE_ETCD');
  }
  const client = connectEtcd(config.etcd);
  try {
    return await run(client, prefixOf(config.etcd.cluster));
  } catch (error) {
    if (error instanceof BirdseyeError) throw error;
    throw etcdError(config.etcd, action, error);
  } finally {
    client.close();
  }
}

/** A key as the user typed it (`agent/token`, `agent.token`), with `--host` making it per-host. */
function keyOf(raw: string, host: unknown): { key: string; path: string[] } {
  const relative = raw.replace(/^\/+/, '').replace(/\./g, '/');
  const key = typeof host === 'string' ? `hosts/${host}/${relative}` : relative;
  const target = classifyKey(key);
  if (target.kind === 'cluster' || target.kind === 'host') return { key, path: target.path };
  throw new BirdseyeError(
    'BE_CONFIG_INVALID',
    `${key}: ${target.kind === 'invalid' ? target.reason : 'agent registrations are written by agents'}`,
  );
}

function checked(key: string, path: readonly string[], value: unknown): string {
  const check = validateValue(path, value);
  if (!check.ok) throw new BirdseyeError('BE_CONFIG_INVALID', `${key}: ${check.reason} (nothing written)`);
  return encodeValue(value);
}

const SECRET = /(^|\/)(token|password|admin_token)$/;

async function settings(
  client: ReturnType<typeof connectEtcd>,
  prefix: string,
): Promise<Map<string, unknown>> {
  const all = await client.getAll().prefix(prefix).strings();
  const out = new Map<string, unknown>();
  for (const [full, text] of Object.entries(all).sort(([a], [b]) => a.localeCompare(b))) {
    const key = full.slice(prefix.length);
    if (classifyKey(key).kind === 'registration') continue;
    out.set(key, decodeValue(text));
  }
  return out;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function configCommand(fail: (error: unknown) => never): Command {
  const command = new Command('config').description('read and write the cluster-wide settings in etcd');
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
    (...args: A) =>
      fn(...args).catch(fail);

  addEtcdOptions(
    command.command('get').description('print one setting').argument('<key>', 'e.g. agent/server_url'),
  )
    .option('--host <name>', 'the per-host override of this node')
    .action(
      act(async (raw: string, flags: Flags) => {
        const { key } = keyOf(raw, flags.host);
        const text = await withEtcd(flags, `read ${key}`, (client, prefix) =>
          client.get(prefix + key).string(),
        );
        if (text === null) throw new BirdseyeError('BE_NOT_FOUND', `${key} is not set in etcd`);
        const value = decodeValue(text);
        print(typeof value === 'string' ? value : JSON.stringify(value));
      }),
    );

  addEtcdOptions(
    command
      .command('set')
      .description('check a value against the schema and write it')
      .argument('<key>')
      .argument('<value>', 'YAML/JSON: 5000, true, [a, b], text'),
  )
    .option('--host <name>', 'set it for this node only (hosts/<name>/…)')
    .action(
      act(async (raw: string, text: string, flags: Flags) => {
        const { key, path } = keyOf(raw, flags.host);
        const parsed = parseCliValue(path, text);
        if (parsed.reason)
          throw new BirdseyeError('BE_CONFIG_INVALID', `${key}: ${parsed.reason} (nothing written)`);
        const encoded = checked(key, path, parsed.value);
        await withEtcd(flags, `write ${key}`, (client, prefix) =>
          client
            .put(prefix + key)
            .value(encoded)
            .exec(),
        );
        print(`${key} = ${encoded}`);
      }),
    );

  addEtcdOptions(command.command('unset').description('remove a setting').argument('<key>'))
    .option('--host <name>', "remove this node's override")
    .action(
      act(async (raw: string, flags: Flags) => {
        const { key } = keyOf(raw, flags.host);
        const deleted = await withEtcd(flags, `delete ${key}`, (client, prefix) =>
          client
            .delete()
            .key(prefix + key)
            .exec(),
        );
        print(Number(deleted.deleted) > 0 ? `${key} removed` : `${key} was not set`);
      }),
    );

  addEtcdOptions(
    command.command('list').description('print every setting (secrets hidden) and the registered agents'),
  )
    .option('--show-secrets', 'print tokens and passwords too')
    .action(
      act(async (flags: Flags) => {
        await withEtcd(flags, 'list settings', async (client, prefix) => {
          for (const [key, value] of await settings(client, prefix)) {
            print(`${key} = ${SECRET.test(key) && !flags.showSecrets ? '(hidden)' : JSON.stringify(value)}`);
          }
          const agents = await client.getAll().prefix(`${prefix}agents/`).strings();
          for (const [full, text] of Object.entries(agents))
            print(`${full.slice(prefix.length)} (registered) ${text}`);
        });
      }),
    );

  addEtcdOptions(command.command('export').description('write every setting as YAML (key: value)'))
    .option('-o, --output <file>', 'to this file instead of stdout')
    .action(
      act(async (flags: Flags) => {
        const yaml = await withEtcd(flags, 'export settings', async (client, prefix) => {
          return stringifyYaml(Object.fromEntries(await settings(client, prefix)));
        });
        if (typeof flags.output === 'string') writeFileSync(flags.output, yaml, { mode: 0o600 });
        else process.stdout.write(yaml);
      }),
    );

  addEtcdOptions(
    command
      .command('import')
      .description('check every setting of a YAML file (as export writes) and write them all at once')
      .argument('<file>'),
  )
    .option('--replace', 'also remove settings the file does not have')
    .action(
      act(async (file: string, flags: Flags) => {
        let doc: unknown;
        try {
          doc = parseYaml(readFileSync(file, 'utf8')) ?? {};
        } catch (cause) {
          throw new BirdseyeError('BE_CONFIG_FILE', `${file}: ${(cause as Error).message}`, { cause });
        }
        if (!isPlainObject(doc))
          throw new BirdseyeError(
            'BE_CONFIG_FILE',
            `${file}: expected a mapping of key: value, as \`birdseye config export\` writes`,
          );
        const problems: string[] = [];
        const writes: Array<[string, string]> = [];
        for (const [raw, value] of Object.entries(doc)) {
          try {
            const { key, path } = keyOf(raw, undefined);
            writes.push([key, checked(key, path, value)]);
          } catch (error) {
            problems.push((error as Error).message);
          }
        }
        if (problems.length)
          throw new BirdseyeError(
            'BE_CONFIG_INVALID',
            `${file}: nothing written:\n  ${problems.join('\n  ')}`,
          );
        await withEtcd(flags, 'import settings', async (client, prefix) => {
          const existing = flags.replace ? [...(await settings(client, prefix)).keys()] : [];
          const keep = new Set(writes.map(([key]) => key));
          const ops = [
            ...existing.filter((key) => !keep.has(key)).map((key) => client.delete().key(prefix + key)),
            ...writes.map(([key, encoded]) => client.put(prefix + key).value(encoded)),
          ];
          await client
            .if(prefix, 'Version', '>', -1)
            .then(...ops)
            .commit();
        });
        print(`${writes.length} setting(s) written`);
      }),
    );
  return command;
}

import path from 'node:path';
import { Command, Option } from 'commander';
import { CONFIG_FILE_ENV, loadConfig } from '../config/index.ts';
import { BirdseyeError } from '../core/errors.ts';
import type { Scope, TokenStore } from '../server/auth/token-store.ts';

/**
 * `birdseye token create|list|revoke`: an operator's way to hand out tokens without the API, e.g.
 * before the first agent starts. Works on `<data-dir>/server/auth.sqlite` directly, also while the
 * server runs (SQLite WAL lets both write).
 */
async function openStore(flags: { config?: string; dataDir?: string }): Promise<TokenStore> {
  const config = loadConfig({ file: flags.config, flags: { 'data-dir': flags.dataDir } });
  // Imported here so the rest of the CLI (the agent above all) never loads SQLite.
  const { TokenStore } = await import('../server/auth/token-store.ts');
  return new TokenStore(path.join(path.resolve(config.data_dir), 'server'));
}

function common(command: Command): Command {
  return command
    .addOption(new Option('-c, --config <file>', 'YAML config file').env(CONFIG_FILE_ENV))
    .addOption(
      new Option('--data-dir <dir>', "the server's data dir (default ./data)").env('BIRDSEYE_DATA_DIR'),
    );
}

function parseScopes(value: string): Scope[] {
  const scopes = value.split(',').map((s) => s.trim());
  for (const s of scopes) {
    if (s !== 'ingest' && s !== 'read') {
      throw new BirdseyeError(
        'BE_CONFIG_INVALID',
        `--scopes: "${s}" is not a scope; use ingest, read or both`,
      );
    }
  }
  return scopes as Scope[];
}

export function tokenCommands(program: Command, fail: (error: unknown) => never): void {
  const token = program.command('token').description('create, list and revoke API tokens of a tenant');

  common(token.command('create').description('create a token and print it (shown only this once)'))
    .requiredOption('--tenant <name>', 'tenant the token belongs to (created if new)')
    .option('--scopes <list>', 'ingest, read or ingest,read', 'ingest')
    .option('--name <text>', 'what the token is for, shown in lists', 'cli')
    .option('--rate <per-second>', 'requests per second this token may make (default: the server setting)')
    .action(
      async (flags: {
        tenant: string;
        scopes: string;
        name: string;
        rate?: string;
        config?: string;
        dataDir?: string;
      }) => {
        try {
          const scopes = parseScopes(flags.scopes);
          const { checkTenantName } = await import('../server/auth/tenants.ts');
          const { generateToken } = await import('../server/auth/token-store.ts');
          const tenant = checkTenantName(flags.tenant);
          const store = await openStore(flags);
          const secret = generateToken();
          const rate = flags.rate === undefined ? undefined : Number(flags.rate);
          const id = store.add(
            secret,
            { tenant, scopes, ...(rate === undefined ? {} : { rate_per_s: rate }) },
            flags.name,
          );
          store.close();
          process.stdout.write(`${secret}\n`);
          process.stderr.write(
            `token ${id} for tenant "${tenant}" (${scopes.join(',')}); it is not stored in clear, keep it now\n`,
          );
        } catch (error) {
          fail(error);
        }
      },
    );

  common(token.command('list').description('list tokens (ids, never secrets)'))
    .option('--tenant <name>', 'only this tenant')
    .action(async (flags: { tenant?: string; config?: string; dataDir?: string }) => {
      try {
        const store = await openStore(flags);
        for (const t of store.list(flags.tenant)) {
          const created = new Date(t.created_ts).toISOString();
          process.stdout.write(
            `${t.id}  ${t.tenant.padEnd(16)} ${t.scopes.join(',').padEnd(18)} ${created}  ${t.name}\n`,
          );
        }
        store.close();
      } catch (error) {
        fail(error);
      }
    });

  common(token.command('revoke').description('revoke a token by its id (from `token list`)'))
    .argument('<id>')
    .action(async (id: string, flags: { config?: string; dataDir?: string }) => {
      try {
        const store = await openStore(flags);
        const done = store.revoke(id);
        store.close();
        if (!done)
          throw new BirdseyeError('BE_NOT_FOUND', `no token with id "${id}"; see birdseye token list`);
        process.stdout.write(`revoked ${id}\n`);
      } catch (error) {
        fail(error);
      }
    });
}

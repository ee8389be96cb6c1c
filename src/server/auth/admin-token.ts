import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatePassword } from './passwords.ts';
import { DEFAULT_TENANT, generateToken, type Principal, type TokenStore } from './token-store.ts';

export const ADMIN_SCOPES = ['ingest', 'read', 'admin'] as const;

export interface IssuedToken {
  readonly token: string;
  /** True when the token was made on this start: the one time it may be shown. */
  readonly generated: boolean;
  readonly file: string;
}

/**
 * Returns the token kept in `file` if the store still accepts it, otherwise generates one, registers
 * it and saves it to `file` with mode 0600 so only the owner can read it.
 */
export function ensureTokenFile(
  store: TokenStore,
  file: string,
  principal: Principal,
  name: string,
): IssuedToken {
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved && store.authenticate(saved)) return { token: saved, generated: false, file };
  }
  const token = generateToken();
  store.add(token, principal, name);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true, file };
}

/**
 * First start on an empty store creates the default tenant's admin token: the configured one, or a
 * generated one saved to `<data-dir>/admin-token`. A configured token is registered on every start,
 * so setting BIRDSEYE_ADMIN_TOKEN later also works. Returns undefined when neither applies (an
 * existing install whose admin token file was removed).
 */
export function ensureAdminToken(
  store: TokenStore,
  dataDir: string,
  configured?: string,
): IssuedToken | { token: string; generated: false; file?: undefined } | undefined {
  const principal = { tenant: DEFAULT_TENANT, scopes: ADMIN_SCOPES };
  if (configured) {
    store.add(configured, principal, 'admin (configured)');
    return { token: configured, generated: false };
  }
  const file = path.join(dataDir, 'admin-token');
  if (store.count() > 0 && !existsSync(file)) return undefined;
  return ensureTokenFile(store, file, principal, 'admin (generated)');
}

/** The ingest-only token `birdseye up` gives its own agent, kept in `<data-dir>/local-agent-token`. */
export function ensureLocalAgentToken(store: TokenStore, dataDir: string): string {
  const principal = { tenant: DEFAULT_TENANT, scopes: ['ingest'] as const };
  return ensureTokenFile(store, path.join(dataDir, 'local-agent-token'), principal, 'local agent').token;
}

export interface IssuedPassword {
  readonly user: string;
  readonly password: string;
  readonly file: string;
}

/**
 * First start with no users creates `admin` (a server administrator, member of the default tenant)
 * with a generated password, saved to `<data-dir>/admin-password` (mode 0600) and returned so the
 * CLI prints it once. Returns undefined once any user exists: the password is never made again.
 */
export async function ensureAdminUser(
  store: TokenStore,
  dataDir: string,
): Promise<IssuedPassword | undefined> {
  if (store.users.count() > 0) return undefined;
  const password = generatePassword();
  await store.users.put('admin', password, true, [DEFAULT_TENANT]);
  const file = path.join(dataDir, 'admin-password');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { user: 'admin', password, file };
}

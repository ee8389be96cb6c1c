import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';

type Server = Awaited<ReturnType<typeof testServer>>;

async function post(server: Server, url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function get(server: Server, url: string, headers: Record<string, string>) {
  const response = await fetch(`${server.url}${url}`, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe('sign-in, sessions and the admin API', () => {
  let server: Server;
  before(async () => {
    server = await testServer({ BIRDSEYE_LOG_LEVEL: 'silent' });
  });
  after(async () => server.dispose());

  it('makes an admin user on first start, with a password saved once, mode 0600', async () => {
    assert.equal(server.adminUser?.user, 'admin');
    const file = path.join(server.dataDir, 'admin-password');
    assert.equal(readFileSync(file, 'utf8').trim(), server.adminUser?.password);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const login = await post(server, '/api/v1/auth/login', {
      user: 'admin',
      password: server.adminUser.password,
    });
    assert.equal(login.status, 200);
    assert.equal(login.body.admin, true);
  });

  it('signs in with an HTTP-only cookie, switches tenant, and signs out', async () => {
    for (const name of ['shop', 'blog']) {
      assert.equal((await post(server, '/api/v1/admin/tenants', { name }, admin)).status, 201);
    }
    const created = await post(
      server,
      '/api/v1/admin/users',
      { name: 'carol', tenants: ['shop', 'blog'] },
      admin,
    );
    assert.equal(created.status, 201);
    const password = created.body.password as string;
    assert.ok(password.length >= 20, 'a generated password is returned once');

    assert.equal(
      (await post(server, '/api/v1/auth/login', { user: 'carol', password: 'wrong-password' })).status,
      401,
    );
    const login = await post(server, '/api/v1/auth/login', { user: 'carol', password });
    assert.equal(login.status, 200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Max-Age=\d+/);
    const cookie = { cookie: setCookie.split(';')[0]! };

    assert.deepEqual((await get(server, '/api/v1/auth/me', cookie)).body.tenants, ['blog', 'shop']);
    assert.equal((await post(server, '/api/v1/auth/tenant', { tenant: 'shop' }, cookie)).status, 200);
    assert.equal((await get(server, '/api/v1/auth/me', cookie)).body.tenant, 'shop');
    assert.equal((await post(server, '/api/v1/auth/tenant', { tenant: 'default' }, cookie)).status, 403);

    assert.equal((await post(server, '/api/v1/auth/logout', {}, cookie)).status, 200);
    const after = await get(server, '/api/v1/logs/search', cookie);
    assert.equal(after.status, 401);
    assert.match(String((after.body.error as { message: string }).message), /sign in/);
  });

  it('gives a tenant tokens that work, lists them without the secret, and revokes them', async () => {
    await post(server, '/api/v1/admin/tenants', { name: 'tok' }, admin);
    const made = await post(
      server,
      '/api/v1/admin/tenants/tok/tokens',
      { scopes: ['read'], name: 'grafana' },
      admin,
    );
    assert.equal(made.status, 201);
    const bearer = { authorization: `Bearer ${made.body.token as string}` };
    assert.equal((await get(server, '/api/v1/logs/search', bearer)).status, 200);
    const listed = await get(server, '/api/v1/admin/tenants/tok/tokens', admin);
    assert.ok(!JSON.stringify(listed.body).includes(made.body.token as string));
    assert.deepEqual(
      (listed.body.tokens as Array<{ id: string }>).map((t) => t.id),
      [made.body.id],
    );
    const revoked = await fetch(`${server.url}/api/v1/admin/tokens/${made.body.id as string}`, {
      method: 'DELETE',
      headers: admin,
    });
    assert.equal(revoked.status, 200);
    assert.equal((await get(server, '/api/v1/logs/search', bearer)).status, 401);
  });

  it('sets a tenant retention and shows its disk usage', async () => {
    const r = await fetch(`${server.url}/api/v1/admin/tenants/tok/retention`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ logs_days: 3, metrics_days: 90 }),
    });
    assert.equal(r.status, 200);
    const tenants = (await get(server, '/api/v1/admin/tenants', admin)).body.tenants as Array<
      Record<string, unknown>
    >;
    const tok = tenants.find((t) => t.name === 'tok')!;
    assert.equal(tok.logs_days, 3);
    assert.equal(tok.metrics_days, 90);
    assert.equal(tok.events_days, null);
    assert.equal(typeof (tok.usage as { bytes: number }).bytes, 'number');
    const bad = await post(server, '/api/v1/admin/tenants', { name: 'Bad Name!' }, admin);
    assert.equal(bad.status, 400);
  });

  it("answers 429 with Retry-After past a token's rate, and counts it", async () => {
    await post(server, '/api/v1/admin/tenants', { name: 'slow' }, admin);
    const made = await post(
      server,
      '/api/v1/admin/tenants/slow/tokens',
      { scopes: ['read'], rate_per_s: 0.5 },
      admin,
    );
    const bearer = { authorization: `Bearer ${made.body.token as string}` };
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof get>> | undefined;
    // The bucket holds `burst` requests (1000 by default); a 0.5/s token runs dry after that.
    for (let i = 0; i < 1100 && !limited; i++) {
      const r = await get(server, '/api/v1/metrics/names', bearer);
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    assert.ok(limited, 'a 429 came');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((limited.body.error as { code: string }).code, 'BE_RATE_LIMITED');
    assert.equal(
      (await get(server, '/api/v1/metrics/names', admin)).status,
      200,
      'other tokens are not limited',
    );
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /component_discarded_events_total\{[^}]*reason="rate_limited"[^}]*\} [1-9]/);
  });

  it('slows down password guessing from one address', async () => {
    let status = 0;
    for (let i = 0; i < 25 && status !== 429; i++) {
      status = (await post(server, '/api/v1/auth/login', { user: 'admin', password: `guess-${i}` })).status;
    }
    assert.equal(status, 429);
  });
});

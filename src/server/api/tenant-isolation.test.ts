import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_ADMIN_TOKEN, testServer } from '../../../test/helpers/server.ts';

type Server = Awaited<ReturnType<typeof testServer>>;

/** Strings that exist only in tenant bravo's data: none may ever reach alpha. */
const SECRETS = [
  'zqbravosecret',
  'bravo_secret_metric',
  'bravo-secret-host',
  'bravo-secret-box',
  'bobsecret',
];

async function call(
  server: Server,
  method: string,
  path: string,
  auth: { token?: string; cookie?: string },
  body?: unknown,
): Promise<{ status: number; text: string; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const controller = new AbortController();
  const response = await fetch(new URL(path, server.url), {
    method,
    headers,
    signal: controller.signal,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  let text = '';
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    // A stream never ends: read what it sends for a moment, while bravo ingests a new line.
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const stop = setTimeout(() => controller.abort(), 1500);
    await ingestBravo(server, 'tail');
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
    } catch {
      // aborted: the read window is over
    } finally {
      clearTimeout(stop);
    }
  } else text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

let bravoIngest = '';
let seq = 0;
async function ingestBravo(server: Server, tag: string): Promise<void> {
  const now = Date.now();
  seq++;
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bravoIngest}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      batch_id: `bravo-agent:${seq}`,
      agent_id: 'bravo-agent',
      seq,
      host: 'bravo-secret-host',
      sent_ts: now,
      logs: [
        {
          ts: now - 1000,
          host: 'bravo-secret-host',
          source: 'docker',
          severity: 3,
          message: `payment failed zqbravosecret ${tag}`,
          container: { name: 'bravo-secret-box', image: 'bravo/app:1' },
          fields: { user: 'bobsecret' },
        },
      ],
      events: [
        {
          ts: now - 1000,
          host: 'bravo-secret-host',
          kind: 'container',
          action: 'die',
          actor: { name: 'bravo-secret-box' },
          message: 'zqbravosecret died',
        },
      ],
      metrics: [
        { name: 'bravo_secret_metric', labels: { host: 'bravo-secret-host' }, value: 42, ts: now - 1000 },
      ],
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** A route's path with its parameters filled with bravo's own identifiers: the strongest attempt. */
function fill(url: string, ids: Record<string, string>): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(ids[name] ?? 'bravo'));
}

/** Query parameters every read endpoint understands, aimed at bravo's data. */
function query(ids: Record<string, string>): string {
  const params = new URLSearchParams({
    q: 'zqbravosecret',
    from: 'now-2d',
    to: 'now+1h',
    query: 'bravo_secret_metric',
    label: 'host',
    metric: 'bravo_secret_metric',
    id: ids.logId!,
    heartbeat_ms: '1000',
  });
  return `?${params.toString()}`;
}

/** Bodies for the routes that take one; others get `{}`. Each aims at bravo where it can. */
const BODIES: Record<string, unknown> = {
  '/api/v1/auth/tenant': { tenant: 'bravo' },
  '/api/v1/auth/login': { user: 'bob', password: 'a-guessed-password' },
  '/api/v1/admin/tenants': { name: 'bravo', logs_days: 1 },
  '/api/v1/admin/tenants/:tenant/tokens': { scopes: ['read'], name: 'stolen' },
  '/api/v1/admin/tenants/:tenant/retention': { logs_days: 1 },
  '/api/v1/admin/users': { name: 'mallory', password: 'mallory-password-1', tenants: ['bravo'], admin: true },
  '/api/v1/alerts/silences': { matchers: ['host="bravo-secret-host"'], duration_ms: 60_000 },
};

describe('tenant isolation', () => {
  let server: Server;
  const alpha: Record<string, { token?: string; cookie?: string }> = {};
  const ids: Record<string, string> = {};

  const admin = async (method: string, path: string, body?: unknown) => {
    const r = await call(server, method, path, { token: TEST_ADMIN_TOKEN }, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    return JSON.parse(r.text) as Record<string, unknown>;
  };

  before(async () => {
    server = await testServer({ BIRDSEYE_LOG_LEVEL: 'silent' });
    for (const name of ['alpha', 'bravo']) await admin('POST', '/api/v1/admin/tenants', { name });
    const token = async (tenant: string, scopes: string[]) =>
      (await admin('POST', `/api/v1/admin/tenants/${tenant}/tokens`, { scopes, name: scopes.join('+') })) as {
        token: string;
        id: string;
      };
    alpha.ingest = { token: (await token('alpha', ['ingest'])).token };
    alpha.read = { token: (await token('alpha', ['read'])).token };
    alpha.both = { token: (await token('alpha', ['ingest', 'read'])).token };
    const bravoRead = await token('bravo', ['read']);
    bravoIngest = (await token('bravo', ['ingest'])).token;
    ids.id = bravoRead.id;
    await admin('POST', '/api/v1/admin/users', {
      name: 'ann',
      password: 'ann-password-123',
      tenants: ['alpha'],
    });
    await admin('POST', '/api/v1/admin/users', {
      name: 'bob',
      password: 'bob-password-123',
      tenants: ['bravo'],
    });
    ids.name = 'bob';
    ids.tenant = 'bravo';

    const login = await call(
      server,
      'POST',
      '/api/v1/auth/login',
      {},
      { user: 'ann', password: 'ann-password-123' },
    );
    assert.equal(login.status, 200, login.text);
    alpha.session = { cookie: login.headers.get('set-cookie')!.split(';')[0]! };

    await ingestBravo(server, 'setup');
    // Alpha has data too, so an endpoint that leaks shows it beside alpha's own.
    const r = await call(server, 'POST', '/api/v1/ingest', alpha.ingest, {
      batch_id: 'alpha-agent:1',
      agent_id: 'alpha-agent',
      seq: 1,
      host: 'alpha-host',
      sent_ts: Date.now(),
      logs: [{ ts: Date.now() - 1000, host: 'alpha-host', source: 'docker', message: 'alpha line' }],
    });
    assert.equal(r.status, 200, r.text);

    const found = await call(server, 'GET', '/api/v1/logs/search?q=zqbravosecret&from=now-1d', {
      token: bravoRead.token,
    });
    const records = (JSON.parse(found.text) as { records: Array<{ id: string }> }).records;
    assert.equal(records.length, 1, 'bravo sees its own line');
    ids.logId = records[0]!.id;
    const silence = await call(
      server,
      'POST',
      '/api/v1/alerts/silences',
      { token: TEST_ADMIN_TOKEN },
      { matchers: ['host="x"'], duration_ms: 60_000 },
    );
    ids.silence = (JSON.parse(silence.text) as { id?: string }).id ?? 'none';
  });
  after(async () => server.dispose());

  it('bravo data is there to be found, with bravo credentials', async () => {
    const r = await call(server, 'GET', `/api/v1/logs/context${query(ids)}`, { token: TEST_ADMIN_TOKEN });
    assert.equal(r.status, 404, 'the admin token is the default tenant: bravo lines are not its own');
    const bob = await call(
      server,
      'POST',
      '/api/v1/auth/login',
      {},
      { user: 'bob', password: 'bob-password-123' },
    );
    const cookie = bob.headers.get('set-cookie')!.split(';')[0]!;
    const search = await call(server, 'GET', `/api/v1/logs/search${query(ids)}`, { cookie });
    assert.match(search.text, /zqbravosecret/);
  });

  it('alpha tokens and sessions see none of bravo through any route', async () => {
    // Logout last: it ends the session the other routes are tried with.
    const last = (r: { url: string }) => (r.url === '/api/v1/auth/logout' ? 1 : 0);
    const routes = server.routes
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .sort((a, b) => last(a) - last(b));
    assert.ok(routes.length >= 20, `routes found: ${routes.length}`);
    const tried: string[] = [];
    for (const [who, auth] of Object.entries(alpha)) {
      for (const route of routes) {
        const path = fill(route.url, { ...ids, id: route.url.includes('silences') ? ids.silence! : ids.id! });
        const body =
          route.method === 'GET' || route.method === 'DELETE' ? undefined : (BODIES[route.url] ?? {});
        const r = await call(server, route.method, `${path}${query(ids)}`, auth, body);
        const label = `${who}: ${route.method} ${route.url} → ${r.status}`;
        tried.push(label);
        if (process.env.BIRDSEYE_TEST_VERBOSE) console.log(label);
        assert.ok(r.status < 500 || (route.url === '/' && !server.webBuilt), `${label} ${r.text}`);
        for (const secret of SECRETS)
          assert.ok(!r.text.includes(secret), `${label} leaked "${secret}": ${r.text}`);
        if (route.url.startsWith('/api/v1/admin')) assert.ok(r.status === 401 || r.status === 403, label);
      }
    }
    assert.ok(
      tried.some((t) => t.includes('/api/v1/logs/tail')),
      'the live tail was tried',
    );
  });

  it('alpha cannot switch its session to bravo, and bravo is unchanged afterwards', async () => {
    const login = await call(
      server,
      'POST',
      '/api/v1/auth/login',
      {},
      { user: 'ann', password: 'ann-password-123' },
    );
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const r = await call(server, 'POST', '/api/v1/auth/tenant', { cookie }, { tenant: 'bravo' });
    assert.equal(r.status, 403);
    const me = await call(server, 'GET', '/api/v1/auth/me', { cookie });
    assert.equal((JSON.parse(me.text) as { tenant: string }).tenant, 'alpha');
    const users = await admin('GET', '/api/v1/admin/users');
    assert.deepEqual(
      (users.users as Array<{ name: string }>).map((u) => u.name),
      ['admin', 'ann', 'bob'],
    );
    const tenants = (await admin('GET', '/api/v1/admin/tenants')).tenants as Array<{
      name: string;
      logs_days: number | null;
    }>;
    assert.equal(tenants.find((t) => t.name === 'bravo')?.logs_days, null);
  });
});

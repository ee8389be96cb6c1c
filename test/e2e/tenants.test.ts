import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { launchChromium, VIEWPORT, WAIT_MS } from './harness.ts';

/** Signs in with a password in a real browser and sees its tenant's logs and no one else's. */
describe('Sign-in and tenants in the UI', () => {
  let birdseye: BirdseyeProcess;
  let browser: Browser;
  const pageErrors: string[] = [];

  const api = async (method: string, url: string, body?: unknown, token = birdseye.adminToken()) => {
    const response = await fetch(`${birdseye.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    assert.ok(response.ok, `${method} ${url}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  const ingest = async (tenant: string, message: string) => {
    const { token } = (await api('POST', `/api/v1/admin/tenants/${tenant}/tokens`, {
      scopes: ['ingest'],
    })) as {
      token: string;
    };
    const agent = `agent-${tenant}`;
    await api(
      'POST',
      '/api/v1/ingest',
      {
        batch_id: `${agent}:1`,
        agent_id: agent,
        seq: 1,
        host: `${tenant}-node`,
        sent_ts: Date.now(),
        logs: [{ ts: Date.now() - 60_000, host: `${tenant}-node`, source: 'docker', message }],
      },
      token,
    );
  };

  before(async () => {
    birdseye = await startBirdseye('server');
    for (const name of ['alpha', 'bravo']) await api('POST', '/api/v1/admin/tenants', { name });
    await ingest('alpha', 'alpha checkout completed');
    await ingest('bravo', 'bravo payroll exported');
    await api('POST', '/api/v1/admin/users', { name: 'ann', password: 'ann-password-1', tenants: ['alpha'] });
    await api('POST', '/api/v1/admin/users', {
      name: 'max',
      password: 'max-password-1',
      tenants: ['alpha', 'bravo'],
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await birdseye?.cleanup();
  });

  async function signIn(user: string, password: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${birdseye.url}/#/logs?from=now-1h&to=now`);
    const form = page.getByTestId('login');
    await form.waitFor({ timeout: WAIT_MS });
    await form.getByLabel('User').fill(user);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    return page;
  }

  const lines = (page: Page) => page.getByTestId('page-logs').getByTestId('log-row').locator('.log-line');

  it('printed the admin user and its one-time password on first start', () => {
    const saved = readFileSync(path.join(birdseye.dataDir, 'admin-password'), 'utf8').trim();
    assert.match(birdseye.stdout(), new RegExp(`user "admin", password ${saved}`));
  });

  it('rejects a wrong password in the form', async () => {
    const page = await signIn('ann', 'not-her-password');
    const error = page.getByTestId('login-error');
    await error.filter({ hasText: 'wrong user name or password' }).waitFor({ timeout: WAIT_MS });
    await page.context().close();
  });

  it("signs in with a password and shows only the user's tenant's logs", async () => {
    const page = await signIn('ann', 'ann-password-1');
    await lines(page).first().waitFor({ timeout: WAIT_MS });
    const texts = await lines(page).allInnerTexts();
    assert.ok(
      texts.some((t) => t.includes('alpha checkout completed')),
      texts.join('\n'),
    );
    assert.ok(!texts.some((t) => t.includes('bravo')), texts.join('\n'));
    assert.equal(await page.getByTestId('account-user').textContent(), 'ann');
    assert.equal(await page.getByTestId('tenant-switch').count(), 0, 'one tenant: nothing to switch');
    // The session survives a reload: the cookie, not page state, carries it.
    await page.reload();
    await lines(page).first().waitFor({ timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('login').waitFor({ timeout: WAIT_MS });
    await page.context().close();
  });

  it('switches tenant for a user in several, and then shows that tenant only', async () => {
    const page = await signIn('max', 'max-password-1');
    await lines(page).first().waitFor({ timeout: WAIT_MS });
    const switcher = page.getByTestId('tenant-switch');
    await switcher.waitFor({ timeout: WAIT_MS });
    assert.equal(await switcher.inputValue(), 'alpha');
    await switcher.selectOption('bravo');
    await lines(page).filter({ hasText: 'bravo payroll exported' }).waitFor({ timeout: WAIT_MS });
    const texts = await lines(page).allInnerTexts();
    assert.ok(!texts.some((t) => t.includes('alpha')), texts.join('\n'));
    assert.equal(await page.getByTestId('tenant-switch').inputValue(), 'bravo');
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });
});

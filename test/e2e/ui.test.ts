import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { eventually, REPO_ROOT, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { launchChromium, VIEWPORT, WAIT_MS } from './harness.ts';

/** Set to a path to save a screenshot of the dashboard there (docs/screenshot.png). */
const SCREENSHOT = process.env.BIRDSEYE_SCREENSHOT;
/** How long the screenshot waits so the charts show a line rather than a dot. */
const SCREENSHOT_DATA_MS = 15_000;

function hostRow(page: Page, host: string): Locator {
  return page.locator(`[data-testid="host-row"][data-host=${JSON.stringify(host)}]`);
}

async function pointsDrawn(page: Page, chart: 'cpu' | 'memory'): Promise<number> {
  const container = page.getByTestId(`chart-${chart}`);
  const box = await container.locator('canvas').boundingBox();
  if (!box || box.width === 0 || box.height === 0) return 0;
  return Number(await container.getAttribute('data-points'));
}

describe('web UI', () => {
  let birdseye: BirdseyeProcess | undefined;
  let browser: Browser | undefined;
  let signedIn: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const host = os.hostname();

  before(async () => {
    browser = await launchChromium();
    birdseye = await startBirdseye('up', { args: ['--interval-ms', '1000'] });
    signedIn = await browser.newContext({ viewport: VIEWPORT });
    page = await signedIn.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await birdseye?.cleanup();
  });

  it('lists this host after opening a link with a token, and takes the token out of the URL', async () => {
    const token = birdseye!.adminToken();
    await page.goto(`${birdseye!.url}/#/hosts?token=${token}`);
    await hostRow(page, host).waitFor({ timeout: WAIT_MS });
    assert.match((await hostRow(page, host).textContent()) ?? '', /last seen \d+ s ago/);
    assert.equal(await hostRow(page, host).getAttribute('aria-current'), 'true');
    assert.ok(!page.url().includes(token), `the token is still in the address bar: ${page.url()}`);
    assert.ok(!page.url().includes('#token'), page.url());
  });

  it('draws the CPU and memory charts of the selected host', async () => {
    for (const chart of ['cpu', 'memory'] as const) {
      await eventually(
        async () => ((await pointsDrawn(page, chart)) >= 2 ? true : undefined),
        WAIT_MS,
        `the ${chart} chart to draw at least 2 points`,
      );
    }
    assert.equal(await page.getByTestId('error-banner').isVisible(), false);
    assert.deepEqual(pageErrors, []);

    if (SCREENSHOT) {
      await new Promise((r) => setTimeout(r, SCREENSHOT_DATA_MS));
      await page.mouse.move(0, 0);
      await page.screenshot({ path: path.resolve(REPO_ROOT, SCREENSHOT) });
    }
  });

  it('remembers the token across a reload', async () => {
    await page.reload();
    await hostRow(page, host).waitFor({ timeout: WAIT_MS });
    assert.equal(await page.getByTestId('sign-in').count(), 0);
  });

  it('asks for the token when the server rejects it, and signs in with the right one', async () => {
    const context = await browser!.newContext({ viewport: VIEWPORT });
    try {
      const stranger = await context.newPage();
      await stranger.goto(`${birdseye!.url}/#/hosts?token=not-a-token`);
      const form = stranger.getByTestId('sign-in');
      await form.waitFor({ timeout: WAIT_MS });
      assert.match(
        (await form.textContent()) ?? '',
        /Paste the admin token; it is in <data-dir>\/admin-token/,
      );
      assert.equal(await stranger.getByTestId('host-row').count(), 0);

      await form.getByLabel('Admin token').fill(birdseye!.adminToken());
      await form.getByRole('button', { name: 'Sign in' }).click();
      await hostRow(stranger, host).waitFor({ timeout: WAIT_MS });
    } finally {
      await context.close();
    }
  });

  it("asks for the Overview's data once per load: the page takes the answer index.html asked for", async () => {
    const fresh = await signedIn.newPage();
    const asked: string[] = [];
    fresh.on('request', (request) => {
      if (request.url().includes('/api/v1/overview')) asked.push(request.url());
    });
    await fresh.goto(`${birdseye!.url}/#/overview?from=now-6h&to=now`);
    await fresh.locator('#page-overview[data-ready]').waitFor({ timeout: WAIT_MS });
    assert.equal(asked.length, 1, asked.join('\n'));
    assert.match(asked[0]!, /from=now-6h&to=now&top=8&recent=12$/);
    await fresh.close();
  });

  it("shows the server's error message in a banner", async () => {
    const context = await browser!.newContext({ viewport: VIEWPORT });
    try {
      // The Overview (opened by `#token=…`) reads /api/v1/overview; the Hosts page /api/v1/hosts.
      await context.route(/\/api\/v1\/(hosts|overview)(\?|$)/, (route) =>
        route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({
            error: { code: 'BE_INTERNAL', message: 'internal error; see the server log' },
          }),
        }),
      );
      const broken = await context.newPage();
      await broken.goto(`${birdseye!.url}/#token=${birdseye!.adminToken()}`);
      const banner = broken.getByTestId('error-banner');
      await banner.waitFor({ timeout: WAIT_MS });
      assert.match((await banner.textContent()) ?? '', /internal error; see the server log/);
    } finally {
      await context.close();
    }
  });
});

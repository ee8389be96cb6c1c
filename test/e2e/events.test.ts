import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { ingestEvent, launchChromium, VIEWPORT, WAIT_MS } from './harness.ts';

describe('Events page and navigation', () => {
  let birdseye: BirdseyeProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const host = os.hostname();

  const $ = (testId: string) => page.getByTestId('page-events').getByTestId(testId);

  before(async () => {
    birdseye = await startBirdseye('up', { args: ['--interval-ms', '1000'] });
    await ingestEvent(birdseye, {
      host: 'web-1',
      action: 'start',
      name: 'api',
      image: 'shop/api:1.4',
      ts: Date.now() - 60_000,
    });
    await ingestEvent(birdseye, { host: 'web-1', action: 'die', name: 'api', image: 'shop/api:1.4' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await birdseye?.cleanup();
  });

  it('lists events newest first', async () => {
    await page.goto(`${birdseye.url}/#/events?token=${birdseye.adminToken()}`);
    await $('event-row').nth(1).waitFor({ timeout: WAIT_MS });
    const texts = await $('event-row').allInnerTexts();
    assert.match(
      texts[0] ?? '',
      /container die[\s\S]*api[\s\S]*shop\/api:1\.4[\s\S]*on web-1[\s\S]*exitCode=137/,
    );
    assert.match(texts[1] ?? '', /container start/);
    assert.equal(await $('range-label').innerText(), 'Last 24h');
  });

  it('filters events with a query kept in the URL, and shows a bad query inline', async () => {
    await $('query-input').fill('action:die');
    await $('query-input').press('Enter');
    await page.waitForURL(/#\/events\?q=action%3Adie/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 1);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 1);
    assert.equal(await $('query-input').inputValue(), 'action:die');

    await $('query-input').fill('container.name:api');
    await $('query-input').press('Enter');
    await $('query-error').waitFor({ timeout: WAIT_MS });
    assert.match(await $('query-error').innerText(), /unknown field "container\.name"/);
  });

  it('moves between pages with the navigation, each page keeping its state', async () => {
    const nav = page.getByTestId('nav');
    await nav.getByRole('link', { name: 'Logs' }).click();
    await page.getByTestId('page-logs').waitFor({ state: 'visible', timeout: WAIT_MS });
    assert.equal(await page.getByTestId('page-events').isVisible(), false);
    assert.equal(await nav.getByRole('link', { name: 'Logs' }).getAttribute('aria-current'), 'page');

    await nav.getByRole('link', { name: 'Events' }).click();
    await page.waitForURL(/#\/events\?q=container\.name%3Aapi/);
    assert.equal(await $('query-input').inputValue(), 'container.name:api');

    await nav.getByRole('link', { name: 'Hosts' }).click();
    await page
      .locator(`[data-testid="host-row"][data-host=${JSON.stringify(host)}]`)
      .waitFor({ timeout: WAIT_MS });
  });

  it('opens the logs of a host, for the same time range, from the host view', async () => {
    await page.getByRole('button', { name: '6h' }).click();
    await page.waitForURL(/#\/hosts\?(.*&)?from=now-6h/);
    const link = page.getByTestId('host-logs-link');
    await link.click();
    await page.waitForURL(/#\/logs\?/);
    const params = new URLSearchParams(page.url().split('?')[1]);
    assert.equal(params.get('q'), `host:${JSON.stringify(host)}`);
    assert.equal(params.get('from'), 'now-6h');
    const logs = page.getByTestId('page-logs');
    assert.equal(await logs.getByTestId('query-input').inputValue(), `host:${JSON.stringify(host)}`);
    assert.equal(await logs.getByTestId('range-label').innerText(), 'Last 6h');
    await logs
      .getByTestId('results-summary')
      .getByText(/lines in range/)
      .waitFor({ timeout: WAIT_MS });
    assert.equal(await page.getByTestId('error-banner').isVisible(), false);
    assert.deepEqual(pageErrors, []);
  });
});

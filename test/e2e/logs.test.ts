import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  eventually,
  getJson,
  REPO_ROOT,
  startBirdseye,
  type BirdseyeProcess,
} from '../helpers/birdseye-process.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { journalJson, launchChromium, sampleLines, VIEWPORT, WAIT_MS } from './harness.ts';

/** Set (e.g. to docs/screenshot-logs.png) to save a screenshot of the Logs page there. */
const SCREENSHOT = process.env.BIRDSEYE_SCREENSHOT_LOGS;
const LINES = 180;

describe('Logs page', () => {
  let birdseye: BirdseyeProcess;
  let browser: Browser;
  let page: Page;
  let gateway: number;
  const pageErrors: string[] = [];

  /** An element of the Logs page (the Events page has a query bar too). */
  const $ = (testId: string) => page.getByTestId('page-logs').getByTestId(testId);
  const rows = () => $('log-row');
  const rowTexts = async () => rows().locator('.log-line').allInnerTexts();
  const runQuery = async (q: string) => {
    await $('query-input').fill(q);
    await $('query-input').press('Enter');
  };

  before(async () => {
    gateway = await freePort();
    birdseye = await startBirdseye('up', { args: ['--gateway-port', String(gateway)] });
    const lines = sampleLines(LINES, 50 * 60_000);
    await sendTcp(
      gateway,
      lines.map(journalJson).join('\n') + '\nplain line from a cron job: backup finished\n',
    );
    await eventually(
      async () => {
        const { body } = await getJson<{ records: Array<{ source: string }> }>(
          `${birdseye.url}/api/v1/logs/search?from=now-1h&limit=1000`,
          birdseye.adminToken(),
        );
        return body.records.filter((r) => r.source === 'gateway').length === LINES + 1 ? true : undefined;
      },
      WAIT_MS,
      'the gateway lines to be searchable',
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await birdseye?.cleanup();
  });

  it('shows the lines sent through the gateway, newest first, with a histogram of bars', async () => {
    await page.goto(
      `${birdseye.url}/#/logs?q=source:gateway&from=now-1h&to=now&token=${birdseye.adminToken()}`,
    );
    await rows().first().waitFor({ timeout: WAIT_MS });
    assert.ok(!page.url().includes('token='), page.url());
    assert.equal(await rows().count(), 100);
    assert.match((await rowTexts())[0] ?? '', /plain line from a cron job: backup finished/);
    assert.match(await $('results-summary').innerText(), /181 lines in range · showing 100/);
    const histogram = $('histogram');
    assert.ok(Number(await histogram.getAttribute('data-bars')) >= 10);
    assert.equal(await histogram.getAttribute('data-total'), String(LINES + 1));
    assert.ok(await $('facets').getByText('web-1').isVisible());
  });

  it('loads the next page when scrolled to the end of the list', async () => {
    await $('load-more').scrollIntoViewIfNeeded();
    await eventually(
      async () => ((await rows().count()) === LINES + 1 ? true : undefined),
      WAIT_MS,
      'all rows',
    );
    assert.equal(await $('load-more').isVisible(), false);
  });

  it('narrows the list with a query and highlights the matched words', async () => {
    await runQuery('timeout AND host:web-1');
    await eventually(
      async () => ((await rows().count()) === LINES / 9 ? true : undefined),
      WAIT_MS,
      '20 rows',
    );
    for (const text of await rowTexts()) assert.match(text, /err\s+web-1\s+api\s+payment failed/);
    assert.equal(await rows().first().locator('mark').first().innerText(), 'timeout');
    assert.match(page.url(), /#\/logs\?q=timeout\+AND\+host%3Aweb-1&from=now-1h&to=now/);
  });

  it('shows a syntax error under the query with its position', async () => {
    await runQuery('host:(web-1');
    const error = $('query-error');
    await error.waitFor({ timeout: WAIT_MS });
    assert.match(await error.innerText(), /query position 12: expected '\)'/);
    assert.equal(await error.locator('pre').getAttribute('data-position'), '12');
    assert.equal(await rows().count(), 0);
    assert.equal(await page.getByTestId('error-banner').isVisible(), false);
  });

  it('opens a record with every field, and the lines around it', async () => {
    await runQuery('source:gateway AND severity:err');
    await eventually(async () => ((await rows().count()) === 20 ? true : undefined), WAIT_MS, '20 err rows');
    assert.equal(await $('query-error').isVisible(), false);
    await rows().nth(3).locator('.log-line').click();
    const fields = $('record-fields');
    await fields.waitFor({ timeout: WAIT_MS });
    const text = await fields.innerText();
    for (const expected of [
      /host\s+web-1/,
      /severity\s+3 \(err\)/,
      /container\.name\s+api/,
      /fields\._PID\s+1043/,
    ]) {
      assert.match(text, expected);
    }
    await $('context-button').click();
    const context = $('record-context');
    await context.waitFor({ timeout: WAIT_MS });
    assert.match(await context.getByTestId('context-current').innerText(), /payment failed/);
    // The context is the same host, source and container, whatever the query matched.
    assert.match(await context.innerText(), /POST \/api\/cart 201/);
    await page.keyboard.press('Escape');
    assert.equal(await $('log-detail').count(), 0);
  });

  it('keeps the query and range across a reload', async () => {
    await page.getByRole('button', { name: '6h' }).click();
    await page.waitForURL(/from=now-6h/);
    await page.reload();
    await eventually(
      async () => ((await rows().count()) === 20 ? true : undefined),
      WAIT_MS,
      'rows after reload',
    );
    assert.equal(await $('query-input').inputValue(), 'source:gateway AND severity:err');
    assert.equal(await $('range-label').innerText(), 'Last 6h');
    assert.equal(await page.getByRole('button', { name: '6h' }).getAttribute('aria-pressed'), 'true');
  });

  it('zooms into the span dragged across the histogram', async () => {
    const box = (await $('histogram').locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/from=\d{4}-\d\d-\d\dT/);
    // The URL changes first; the picker's label follows when the page applies the new range.
    await eventually(
      async () => ((await $('range-label').innerText()).includes('→') ? true : undefined),
      WAIT_MS,
      'the absolute range in the label',
    );
    await page.goBack();
    await page.waitForURL(/from=now-6h/);
  });

  it('adds a facet value to the query', async () => {
    await $('facets').locator('[data-facet="container.name"] button').first().click();
    await page.waitForURL(/container\.name%3Aapi/);
    assert.equal(
      await $('query-input').inputValue(),
      'source:gateway AND severity:err AND container.name:api',
    );
  });

  it('streams new lines in the live tail, and holds them while paused', async () => {
    await runQuery('tailtest');
    await $('logs-empty').waitFor({ timeout: WAIT_MS });
    await $('live-toggle').click();
    await eventually(
      async () => ((await $('live-status').innerText()) === 'streaming' ? true : undefined),
      WAIT_MS,
      'the tail to connect',
    );
    assert.match(page.url(), /live=1/);
    const now = Date.now();
    await sendTcp(
      gateway,
      journalJson({ ts: now, host: 'web-1', unit: 'app.service', priority: 6, message: 'tailtest one' }) +
        '\n',
    );
    await rows().first().getByText('tailtest one').waitFor({ timeout: WAIT_MS });

    await $('live-pause').click();
    await sendTcp(
      gateway,
      journalJson({ ts: now + 1, host: 'web-1', unit: 'app.service', priority: 4, message: 'tailtest two' }) +
        '\n',
    );
    await $('live-status').getByText('1 new lines held').waitFor({ timeout: WAIT_MS });
    assert.equal(await rows().count(), 1);
    await $('live-pause').click();
    await rows().first().getByText('tailtest two').waitFor({ timeout: WAIT_MS });
    assert.equal(await rows().count(), 2);

    await $('live-toggle').click();
    await page.waitForURL((url) => !url.hash.includes('live=1'));
    assert.deepEqual(pageErrors, []);
  });

  it('takes a screenshot of the Logs page when asked', { skip: !SCREENSHOT }, async () => {
    await page.goto(`${birdseye.url}/#/logs?q=source:gateway&from=now-1h&to=now`);
    await eventually(async () => ((await rows().count()) === 100 ? true : undefined), WAIT_MS, 'rows');
    await rows().filter({ hasText: 'payment failed' }).first().locator('.log-line').click();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.resolve(REPO_ROOT, SCREENSHOT!) });
  });
});

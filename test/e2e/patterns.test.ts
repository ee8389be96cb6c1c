import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { launchChromium, VIEWPORT, WAIT_MS } from './harness.ts';

/** Set (e.g. to docs/screenshot-patterns.png) to save a screenshot of the Patterns page there. */
const SCREENSHOT = process.env.BIRDSEYE_SCREENSHOT_PATTERNS;

/** Plain lines, as `tail -f app.log | nc host 9000` would send them: three shapes, varying values. */
function lines(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 40; i++) out.push(`GET /api/orders/${1000 + i} 200 in ${3 + (i % 17)}ms`);
  for (let i = 0; i < 12; i++) out.push(`connection to 10.0.3.${i}:5432 refused, retry ${i}`);
  for (let i = 0; i < 3; i++) out.push(`worker ${i} exited with code 137 after ${20 + i}s`);
  return out;
}

describe('Patterns page', () => {
  let birdseye: BirdseyeProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const $ = (testId: string) => page.getByTestId('page-patterns').getByTestId(testId);

  before(async () => {
    const gateway = await freePort();
    birdseye = await startBirdseye('up', { args: ['--gateway-port', String(gateway)] });
    await sendTcp(gateway, lines().join('\n') + '\n');
    await eventually(
      async () => {
        const { body } = await getJson<{ patterns: Array<{ count: number }> }>(
          `${birdseye.url}/api/v1/patterns?from=now-1h&q=refused`,
          birdseye.adminToken(),
        );
        return body.patterns[0]?.count === 12 ? true : undefined;
      },
      WAIT_MS,
      'the gateway lines to be mined into patterns',
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await birdseye?.cleanup();
  });

  it('ranks the patterns of the lines sent through the gateway, with count, sparkline, severity and examples', async () => {
    await page.goto(`${birdseye.url}/#/patterns?from=now-1h&to=now&token=${birdseye.adminToken()}`);
    await $('pattern-row').first().waitFor({ timeout: WAIT_MS });
    const templates = await $('pattern-logs-link').allInnerTexts();
    const mine = [
      'GET <PATH> <NUM> in <DURATION>',
      'connection to <IP> refused, retry <NUM>',
      'worker <NUM> exited with code <NUM> after <DURATION>',
    ];
    // The agent's own logs may add patterns of their own; ours come in this order.
    assert.deepEqual(
      templates.filter((t) => mine.includes(t)),
      mine,
    );
    const top = $('pattern-row').filter({ hasText: mine[0]! });
    assert.match(await top.locator('.pattern-count').innerText(), /^40$/);
    assert.equal(await top.locator('svg.sparkline polyline').count(), 1);
    assert.match(await top.getByTestId('pattern-severity').innerText(), /\w+/);
    await top.locator('summary').click();
    assert.equal(
      await top.getByTestId('pattern-example').first().innerText(),
      'GET /api/orders/1000 200 in 3ms',
    );
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: false });
  });

  it('filters patterns by template words from the URL', async () => {
    await $('query-input').fill('refused');
    await $('query-input').press('Enter');
    await page.waitForFunction(() => window.location.hash.includes('q=refused'));
    await eventually(
      async () => ((await $('pattern-row').count()) === 1 ? true : undefined),
      WAIT_MS,
      'one pattern',
    );
    assert.match(await $('pattern-row').innerText(), /connection to <IP> refused/);
  });

  it('opens the Logs page on exactly the lines of a pattern in one click', async () => {
    await $('pattern-logs-link').first().click();
    await page.waitForFunction(() => window.location.hash.startsWith('#/logs?q=pattern%3A'));
    const logs = page.getByTestId('page-logs');
    await eventually(
      async () => ((await logs.getByTestId('log-row').count()) === 12 ? true : undefined),
      WAIT_MS,
      'the 12 lines of the pattern',
    );
    const texts = await logs.getByTestId('log-row').locator('.log-line').allInnerTexts();
    assert.ok(
      texts.every((t) => /connection to 10\.0\.3\.\d+:5432 refused, retry \d+/.test(t)),
      texts.join('\n'),
    );
    assert.match(await logs.getByTestId('query-input').inputValue(), /^pattern:[0-9a-f]{12}$/);
    assert.deepEqual(pageErrors, []);
  });
});

/**
 * The Alerts page against `birdseye up` with a log-count rule: lines sent through the gateway make
 * it fire; the alert links to its logs; it can be silenced with one click and the silence expired;
 * the rule editor previews a rule over the last day.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { journalJson, launchChromium, VIEWPORT, WAIT_MS } from './harness.ts';

describe('Alerts page', { timeout: 180_000 }, () => {
  let birdseye: BirdseyeProcess;
  let browser: Browser;
  let page: Page;
  let configDir: string;
  const pageErrors: string[] = [];
  const alerts = () => page.getByTestId('page-alerts');

  before(async () => {
    configDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-e2e-alerts-'));
    const configFile = path.join(configDir, 'birdseye.yaml');
    writeFileSync(
      configFile,
      stringify({
        server: {
          alerting: {
            interval_ms: 500,
            default_rules: false,
            rules: [
              {
                id: 'payment-errors',
                name: 'PaymentErrors',
                type: 'log_count',
                query: '"payment failed"',
                window_ms: 300_000,
                threshold: 2,
                group_by: ['host'],
                summary: '{{value}} payment errors on {{host}}',
              },
            ],
          },
        },
      }),
    );
    const gateway = await freePort();
    birdseye = await startBirdseye('up', {
      args: ['--config', configFile, '--gateway-port', String(gateway)],
    });
    const now = Date.now();
    const lines = [
      { host: 'shop-1', message: 'GET /cart 200', priority: 6 },
      { host: 'shop-1', message: 'payment failed: card declined by issuer', priority: 3 },
      { host: 'shop-1', message: 'payment failed: upstream timeout', priority: 3 },
      { host: 'shop-1', message: 'payment failed: upstream timeout again', priority: 3 },
    ].map((l, i) => journalJson({ ...l, ts: now - 30_000 + i * 1000, unit: 'shop.service' }));
    await sendTcp(gateway, lines.join('\n') + '\n');
    await eventually(
      async () => {
        const { body } = await getJson<{ alerts: unknown[] }>(
          `${birdseye.url}/api/v1/alerts?state=firing`,
          birdseye.adminToken(),
        );
        return body.alerts.length > 0 ? true : undefined;
      },
      WAIT_MS,
      'the payment rule to fire',
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${birdseye.url}/#token=${birdseye.adminToken()}`);
  });

  after(async () => {
    await browser?.close();
    await birdseye?.cleanup();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('shows the firing alert, counted on the overview', async () => {
    await page.getByTestId('count-alerts').filter({ hasText: '1' }).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('count-alerts').click();
    const row = alerts().getByTestId('alert-row');
    await row.waitFor({ timeout: WAIT_MS });
    assert.equal(await row.getAttribute('data-state'), 'firing');
    assert.match((await row.textContent()) ?? '', /3 payment errors on shop-1/);
  });

  it('links a fired alert to its logs around its start', async () => {
    await alerts().getByTestId('alert-logs').click();
    await page.waitForURL(/#\/logs\?/, { timeout: WAIT_MS });
    const logs = page.getByTestId('page-logs');
    await logs.getByTestId('log-row').first().waitFor({ timeout: WAIT_MS });
    const texts = await logs.getByTestId('log-row').allInnerTexts();
    assert.equal(texts.length, 3, texts.join('\n'));
    for (const text of texts) assert.match(text, /payment failed/);
    assert.equal(await logs.getByTestId('query-input').inputValue(), '"payment failed" AND host:shop-1');
    await page.goBack();
  });

  it('silences the alert with one click, and expires the silence', async () => {
    await alerts().getByTestId('alert-silence').click();
    const silence = alerts().getByTestId('silence-row');
    await silence.waitFor({ timeout: WAIT_MS });
    assert.equal(await silence.getAttribute('data-status'), 'active');
    assert.match((await silence.textContent()) ?? '', /host="shop-1"/);
    await silence.getByTestId('silence-expire').click();
    await alerts()
      .locator('[data-testid="silence-row"][data-status="expired"]')
      .waitFor({ timeout: WAIT_MS });
  });

  it('previews a rule over the last day in the editor', async () => {
    await alerts().locator('button[data-tab="rules"]').click();
    await alerts()
      .locator('[data-testid="rule-row"][data-id="payment-errors"] [data-testid="rule-edit"]')
      .click();
    const summary = alerts().getByTestId('preview-summary');
    await alerts().locator('[data-testid="preview-summary"][data-firings]').waitFor({ timeout: WAIT_MS });
    assert.match((await summary.textContent()) ?? '', /in the last 24 h \(evaluated every 5(\.00)? min\)/);

    await alerts().getByTestId('rule-text').fill('type: threshold\nquery: node_load1{\n');
    await alerts().getByTestId('rule-preview').click();
    const error = alerts().getByTestId('rule-error');
    await error.waitFor({ timeout: WAIT_MS });
    assert.match((await error.textContent()) ?? '', /rule\.query/);
    assert.deepEqual(pageErrors, []);
  });
});

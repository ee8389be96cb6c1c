/**
 * Takes docs/screenshot-*.png: a server filled with a realistic fleet (bench/fill.ts: 8 hosts,
 * 60 containers, an hour of metrics, logs and Docker events) plus a local agent reporting this
 * machine, with alert rules that fire on that data, driven through every page in Chromium.
 *
 *   npm run build:web && node --import tsx scripts/screenshots.ts
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { fillFleet } from '../bench/fill.ts';
import { REPO_ROOT, startBirdseye } from '../test/helpers/birdseye-process.ts';
import { launchChromium } from '../test/e2e/harness.ts';

const SHAPE = { hosts: 8, containers: 60, span_ms: 3_600_000, interval_ms: 30_000, logs_per_container: 120 };
const DOCS = path.join(REPO_ROOT, 'docs');

const config = {
  server: {
    alerting: {
      interval_ms: 2000,
      rules: [
        {
          id: 'payment-errors',
          name: 'PaymentErrors',
          type: 'log_count',
          query: '"payment failed"',
          window_ms: 3_600_000,
          threshold: 60,
          group_by: ['host'],
          summary: '{{value}} payment errors on {{host}} in the last hour',
        },
        {
          id: 'container-died',
          name: 'ContainerDied',
          type: 'event',
          query: 'kind:container AND action:die',
          window_ms: 3_600_000,
          severity: 'critical',
          summary: 'Container {{actor_name}} on {{host}} died',
        },
      ],
    },
  },
};

const configFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'birdseye-screens-')), 'birdseye.yaml');
writeFileSync(configFile, stringify(config));

const server = await startBirdseye('up', { args: ['--config', configFile, '--interval-ms', '2000'] });
const browser = await launchChromium();
try {
  const token = server.adminToken();
  console.log('filling', await fillFleet(server.url, token, SHAPE));
  // Let the alert rules evaluate and the local agent report a few times.
  await new Promise((r) => setTimeout(r, 12_000));
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/#token=${token}`);
  const shot = async (hash: string, name: string, ready: string, full = false): Promise<void> => {
    await page.goto(`${server.url}/${hash}`);
    await page.locator(`.page:not([hidden]) ${ready}`).first().waitFor({ timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 2500));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(DOCS, `screenshot-${name}.png`), fullPage: full });
    console.log(`docs/screenshot-${name}.png`);
  };
  await shot('#/overview', 'overview', '[data-testid="host-tile"]', true);
  await shot('#/hosts?host=web-2', 'hosts', '[data-testid="chart-cpu"][data-points]:not([data-points="0"])');
  await shot('#/containers', 'containers', '[data-testid="container-row"]');
  await shot(
    '#/containers?host=web-1&name=api-1',
    'container',
    '[data-testid="chart-container-memory"]:not([data-points="0"])',
  );
  await shot('#/logs?q=severity:<=warning', 'logs', '[data-testid="log-row"]');
  await shot('#/events?q=action:(die OR restart)', 'events', '[data-testid="event-row"]');
  await shot('#/alerts', 'alerts', '[data-testid="alert-row"]');
  await shot('#/patterns', 'patterns', '[data-testid="pattern-row"]');
  await shot('#/status', 'status', '[data-testid="agent-row"]');
  await page.goto(`${server.url}/#/alerts?tab=rules`);
  await page.locator('[data-testid="rule-row"][data-id="payment-errors"] [data-testid="rule-edit"]').click();
  await page.locator('[data-testid="preview-summary"][data-firings]').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(DOCS, 'screenshot-rule-preview.png'), fullPage: true });
  console.log('docs/screenshot-rule-preview.png');
  await page.evaluate(() => localStorage.setItem('birdseye.theme', 'dark'));
  await page.reload();
  await shot('#/overview', 'overview-dark', '[data-testid="host-tile"]');
} finally {
  await browser.close();
  await server.cleanup();
}

import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { eventually, REPO_ROOT, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { freePort, sendTcp } from '../helpers/net.ts';
import { journalJson, launchChromium, sampleLines, VIEWPORT, WAIT_MS } from './harness.ts';

/** Set to a path to save a screenshot of the Status page there (docs/screenshot-status.png). */
const SCREENSHOT = process.env.BIRDSEYE_STATUS_SCREENSHOT;

describe('status page', () => {
  let browser: Browser | undefined;
  const procs: BirdseyeProcess[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const p of procs) await p.cleanup();
  });

  async function open(birdseye: BirdseyeProcess): Promise<Page> {
    const context = await browser!.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${birdseye.url}/#token=${birdseye.adminToken()}`);
    await page.getByRole('link', { name: 'Status' }).click();
    await page.getByTestId('page-status').waitFor({ timeout: WAIT_MS });
    return page;
  }

  it('shows the local agent of birdseye up with a line rate, its version and the storage use', async () => {
    const gatewayPort = await freePort();
    const up = await startBirdseye('up', {
      args: ['--interval-ms', '1000', '--gateway-port', String(gatewayPort)],
    });
    procs.push(up);
    const page = await open(up);
    assert.match(page.url(), /#\/status$/);

    // Lines keep arriving through the gateway, as `journalctl -o json | nc` would send them.
    const feeding = setInterval(() => {
      const lines = sampleLines(40, 1000).map(journalJson).join('\n') + '\n';
      void sendTcp(gatewayPort, lines);
    }, 250);
    try {
      const row = page.locator(`[data-testid="agent-row"][data-host=${JSON.stringify(os.hostname())}]`);
      await row.waitFor({ timeout: WAIT_MS });
      const rate = await eventually(
        async () => {
          const text = (await row.getByTestId('agent-lines').textContent()) ?? '';
          const value = Number(text.replace(/,/g, ''));
          return value > 0 ? value : undefined;
        },
        45_000,
        'a non-zero line rate for the local agent',
      );
      assert.ok(rate > 0);
      const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
      assert.match(cells[1]!, /^\d+\.\d+\.\d+/, `version: ${cells[1]}`);
      assert.match(cells[2]!, /\d+ s ago/);
      assert.equal(cells[5], '0', 'errors');
      assert.equal(cells[6], '0', 'drops');
      assert.match((await page.getByTestId('storage-bytes').textContent()) ?? '', /^\d+(\.\d+)? (KiB|MiB)$/);
      if (SCREENSHOT) await page.screenshot({ path: path.resolve(REPO_ROOT, SCREENSHOT) });
    } finally {
      clearInterval(feeding);
    }
    assert.equal(await page.getByTestId('error-banner').isVisible(), false);
    assert.deepEqual(pageErrors, []);
  });

  it('tells a new user how to add a node when no agent has reported', async () => {
    const server = await startBirdseye('server');
    procs.push(server);
    const page = await open(server);
    const empty = page.getByTestId('status-empty');
    await empty.waitFor({ timeout: WAIT_MS });
    assert.match(
      (await empty.textContent()) ?? '',
      /birdseye agent --server http:\/\/127\.0\.0\.1:\d+ --token/,
    );
    assert.deepEqual(pageErrors, []);
  });
});

/**
 * Overview, containers and host pages against `birdseye up` whose agent watches a private, real
 * dockerd (test/helpers/dockerd.ts): the host's tile, a container that exits shows its `die` on
 * every chart, its logs under the charts, and a click on a chart opens the logs of that minute.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { eventually, getJson, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';
import { TestDockerd } from '../helpers/dockerd.ts';
import { launchChromium, VIEWPORT, WAIT_MS } from './harness.ts';

const NAME = 'e2e-box';

describe('Overview and container pages (real agent, real dockerd)', { timeout: 240_000 }, () => {
  let engine: TestDockerd;
  let birdseye: BirdseyeProcess;
  let browser: Browser;
  let page: Page;
  let configDir: string;
  const host = os.hostname();
  const pageErrors: string[] = [];
  const shown = (testId: string) => page.locator(`.page:not([hidden]) [data-testid="${testId}"]`);

  before(async () => {
    engine = await TestDockerd.start();
    configDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-e2e-docker-'));
    const configFile = path.join(configDir, 'birdseye.yaml');
    writeFileSync(
      configFile,
      stringify({ agent: { docker: { socket_path: engine.socketPath, interval_ms: 1000 } } }),
    );
    birdseye = await startBirdseye('up', { args: ['--config', configFile, '--interval-ms', '1000'] });
    // Lives a few agent intervals, so it has metrics, logs a line, then exits with code 3.
    await engine.run({ name: NAME, cmd: ['sh', '-c', 'echo hello from the box; sleep 6; exit 3'] });
    await eventually(
      async () => {
        const { body } = await getJson<{ events: Array<{ action: string }> }>(
          `${birdseye.url}/api/v1/events?q=${encodeURIComponent(`actor.name:${NAME}`)}&from=now-10m`,
          birdseye.adminToken(),
        );
        return body.events.some((e) => e.action === 'die') ? true : undefined;
      },
      60_000,
      `the die event of ${NAME} to be stored`,
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${birdseye.url}/#token=${birdseye.adminToken()}`);
  });

  after(async () => {
    await browser?.close();
    await birdseye?.cleanup();
    await engine?.stop();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it('opens on the overview, with a tile for this host coloured by its health', async () => {
    await page.waitForURL(/#\/overview|#$|\/$/, { timeout: WAIT_MS }).catch(() => undefined);
    const tile = page.locator(`[data-testid="host-tile"][data-host=${JSON.stringify(host)}]`);
    await tile.waitFor({ timeout: WAIT_MS });
    assert.match((await tile.getAttribute('data-health')) ?? '', /^(ok|warn|bad)$/);
    assert.match((await tile.textContent()) ?? '', /CPU\s*\d+%/);
    assert.match((await page.getByTestId('count-hosts').textContent()) ?? '', /1 \/ 1/);
    await eventually(
      async () =>
        Number((await page.getByTestId('count-stopped').textContent())?.match(/\d+/)?.[0]) >= 1
          ? true
          : undefined,
      WAIT_MS,
      'the overview to count the exited container as stopped',
    );
    assert.match((await page.getByTestId('recent-events').textContent()) ?? '', /container die/);
  });

  it('lists the container with its image and state, and opens its page', async () => {
    await page.getByRole('link', { name: 'Containers', exact: true }).click();
    const row = page.locator(`[data-testid="container-row"][data-name="${NAME}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    assert.match((await row.textContent()) ?? '', /busybox:test/);
    await eventually(
      async () => ((await row.textContent())?.includes('exited') ? true : undefined),
      WAIT_MS,
      'the row to say the container exited',
    );
    await row.getByRole('link', { name: NAME }).click();
    await shown('container-title').filter({ hasText: NAME }).waitFor({ timeout: WAIT_MS });
  });

  it("draws the container's die event on every chart, with its logs underneath", async () => {
    for (const chart of ['memory', 'cpu', 'network', 'io']) {
      await eventually(
        async () => {
          const markers = (await shown(`chart-container-${chart}`).getAttribute('data-markers')) ?? '';
          return markers.split(',').includes('die') ? true : undefined;
        },
        WAIT_MS,
        `the ${chart} chart to carry the die marker`,
      );
    }
    const points = Number(await shown('chart-container-memory').getAttribute('data-points'));
    assert.ok(points >= 1, `the memory chart drew ${points} points`);
    await shown('scoped-logs').getByText('hello from the box').waitFor({ timeout: WAIT_MS });
  });

  it('opens the logs of that container at the minute clicked on a chart', async () => {
    const canvas = shown('chart-container-memory').locator('.u-over');
    const box = await canvas.boundingBox();
    assert.ok(box);
    await canvas.click({ position: { x: box.width - 5, y: box.height / 2 } });
    await page.waitForURL(/#\/logs\?/, { timeout: WAIT_MS });
    const params = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    assert.equal(params.get('q'), `host:"${host}" AND container.name:"${NAME}"`);
    const span = Date.parse(params.get('to')!) - Date.parse(params.get('from')!);
    assert.equal(span, 60_000);
  });

  it("shows the host's events as markers and its logs under the host charts", async () => {
    await page.goto(`${birdseye.url}/#/hosts?host=${encodeURIComponent(host)}&from=now-15m&to=now`);
    await eventually(
      async () =>
        (await shown('chart-cpu').getAttribute('data-markers'))?.includes('die') ? true : undefined,
      WAIT_MS,
      'the host CPU chart to show the die marker',
    );
    await shown('scoped-logs').getByText('hello from the box').waitFor({ timeout: WAIT_MS });
    assert.deepEqual(pageErrors, []);
  });
});

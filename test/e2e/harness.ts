/**
 * What the browser tests share: Debian's Chromium through playwright-core, log lines in the
 * format `journalctl -o json` writes (sent to the gateway as a user would pipe them), and a batch
 * with a Docker event posted to the ingest API.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT, type BirdseyeProcess } from '../helpers/birdseye-process.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const VIEWPORT = { width: 1280, height: 800 };
export const WAIT_MS = 20_000;
const WEB_INDEX = path.join(REPO_ROOT, 'dist', 'web', 'index.html');

export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(WEB_INDEX), `the UI is not built (${WEB_INDEX} is missing): run npm run build:web`);
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: run \`node scripts/setup.mjs\` as root (or \`apt-get install chromium\`)`,
  );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface JournalLine {
  ts: number;
  host: string;
  unit: string;
  priority: number;
  message: string;
  container?: string;
}

/** One entry as `journalctl -o json` prints it (all values strings, time in microseconds). */
export function journalJson(line: JournalLine): string {
  const identifier = line.unit.replace(/\.service$/, '');
  return JSON.stringify({
    __REALTIME_TIMESTAMP: String(Math.round(line.ts * 1000)),
    __MONOTONIC_TIMESTAMP: '392140994',
    _BOOT_ID: 'fc43eb5be88a47febed9b3cdc71fe69e',
    PRIORITY: String(line.priority),
    SYSLOG_FACILITY: '3',
    SYSLOG_IDENTIFIER: identifier,
    _SYSTEMD_UNIT: line.unit,
    _TRANSPORT: 'stdout',
    _HOSTNAME: line.host,
    _PID: '1043',
    MESSAGE: line.message,
    ...(line.container ? { CONTAINER_NAME: line.container, CONTAINER_ID: '5d1c0ad1f2e9' } : {}),
  });
}

const SERVICES: Array<Omit<JournalLine, 'ts'>> = [
  { host: 'web-1', unit: 'nginx.service', priority: 6, message: 'GET /api/orders HTTP/1.1 200 in 12 ms' },
  { host: 'web-2', unit: 'nginx.service', priority: 6, message: 'GET /healthz HTTP/1.1 200 in 1 ms' },
  {
    host: 'web-1',
    unit: 'docker.service',
    priority: 6,
    message: 'POST /api/cart 201 user=4711',
    container: 'api',
  },
  {
    host: 'db-1',
    unit: 'postgresql.service',
    priority: 5,
    message: 'checkpoint complete: wrote 1209 buffers',
  },
  {
    host: 'web-2',
    unit: 'docker.service',
    priority: 4,
    message: 'slow request: GET /search took 1840 ms',
    container: 'api',
  },
  {
    host: 'db-1',
    unit: 'postgresql.service',
    priority: 4,
    message: 'autovacuum of table "orders" took longer than expected',
  },
  {
    host: 'web-1',
    unit: 'docker.service',
    priority: 3,
    message: 'payment failed: upstream timeout talking to billing',
    container: 'api',
  },
  {
    host: 'web-2',
    unit: 'sshd.service',
    priority: 6,
    message: 'Accepted publickey for deploy from 10.0.4.7 port 51234',
  },
  { host: 'web-1', unit: 'kernel', priority: 7, message: 'eth0: link becomes ready' },
];

/**
 * `count` lines spread over the last `spanMs`, oldest first, from a few hosts and services with
 * mixed severities; every 9th is a payment timeout (severity err).
 */
export function sampleLines(count: number, spanMs: number, now = Date.now()): JournalLine[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = SERVICES[i % SERVICES.length]!;
    const ts = now - spanMs + Math.round(((i + 0.5) * spanMs) / count);
    return { ...kind, ts, message: `${kind.message} #${i}` };
  });
}

/** Posts a batch with one Docker event, as an agent would. */
export async function ingestEvent(
  birdseye: BirdseyeProcess,
  event: { host: string; action: string; name: string; image: string; ts?: number },
): Promise<void> {
  const agentId = 'e2e-events';
  const seq = Date.now();
  const response = await fetch(`${birdseye.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${birdseye.adminToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      batch_id: `${agentId}:${seq}`,
      agent_id: agentId,
      seq,
      host: event.host,
      agent_version: 'e2e',
      sent_ts: Date.now(),
      events: [
        {
          ts: event.ts ?? Date.now(),
          host: event.host,
          kind: 'container',
          action: event.action,
          actor: { id: '5d1c0ad1f2e9a8b7', name: event.name, image: event.image },
          attributes: { exitCode: event.action === 'die' ? '137' : '0' },
        },
      ],
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

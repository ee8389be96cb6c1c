import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core/logger.ts';
import { Telemetry } from '../../core/telemetry.ts';
import type { ClusterEvent, LogRecord, MetricSample } from '../../model/index.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { alertingSchema } from './config.ts';
import { startAlerting, type AlertEngine } from './engine.ts';
import { MemoryNotifier } from './notifiers/memory/memory-notifier.ts';

/** For tests of the engine and pipeline: an engine on a memory backend with a memory notifier. */
export interface Harness {
  engine: AlertEngine;
  notifier: MemoryNotifier;
  dataDir: string;
  restart(config?: unknown): Promise<void>;
  dispose(): Promise<void>;
}

export async function engineHarness(storage: StorageBackend, config: unknown): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-alerts-'));
  const logger = createLogger('silent', 'json');
  const start = (input: unknown, notifier: MemoryNotifier): AlertEngine =>
    startAlerting({
      config: alertingSchema.parse(input),
      storage,
      dataDir,
      telemetry: new Telemetry(),
      logger,
      manual: true,
      notifiers: new Map([[notifier.name, notifier]]),
    });
  const harness: Harness = {
    notifier: new MemoryNotifier('mem'),
    engine: undefined as unknown as AlertEngine,
    dataDir,
    async restart(next = config) {
      await harness.engine.close();
      harness.notifier = new MemoryNotifier('mem');
      harness.engine = start(next, harness.notifier);
      return Promise.resolve();
    },
    async dispose() {
      await harness.engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  harness.engine = start(config, harness.notifier);
  return Promise.resolve(harness);
}

let seq = 0;

/** Writes through the backend's own batch path, as ingest does. */
export async function write(
  storage: StorageBackend,
  data: { metrics?: MetricSample[]; logs?: LogRecord[]; events?: ClusterEvent[] },
  host = 'node-1',
  receivedTs = Date.now(),
): Promise<void> {
  seq += 1;
  const batch = {
    batch_id: `t:${seq}`,
    agent_id: 't',
    seq,
    host,
    sent_ts: receivedTs,
    metrics: [],
    logs: [],
    events: [],
    ...data,
  };
  await storage.writeBatch('default', batch, receivedTs);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

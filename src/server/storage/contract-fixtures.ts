import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterEvent, IngestBatch, LogRecord } from '../../model/index.ts';
import type { StorageBackend } from './backend.ts';

/** Builders shared by the storage contract suites, so every backend sees identical input. */
export const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
export const DAY = 86_400_000;

let seq = 0;
export function logBatch(logs: LogRecord[], events: ClusterEvent[] = [], agent = 'agent-l'): IngestBatch {
  seq += 1;
  return {
    batch_id: `${agent}:${seq}`,
    agent_id: agent,
    seq,
    host: 'node-1',
    sent_ts: T0,
    metrics: [],
    logs,
    events,
  };
}

export function log(ts: number, message: string, extra: Partial<LogRecord> = {}): LogRecord {
  return { ts, host: 'node-1', source: 'docker', message, ...extra };
}

/** Opens backends in temporary directories and removes them all in `dispose`. */
export function backendOpener(name: string, create: (dir: string) => StorageBackend) {
  const dirs: string[] = [];
  const backends: StorageBackend[] = [];
  return {
    open: (dir?: string): { backend: StorageBackend; dir: string } => {
      const d = dir ?? mkdtempSync(path.join(os.tmpdir(), `birdseye-logs-${name}-`));
      if (!dir) dirs.push(d);
      const backend = create(d);
      backends.push(backend);
      return { backend, dir: d };
    },
    dispose: async (): Promise<void> => {
      for (const b of backends) await b.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

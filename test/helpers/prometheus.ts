import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net.ts';
import { requirePart, startDaemon } from './system-part.ts';

const PROMETHEUS = '/usr/bin/prometheus';

export interface PrometheusProcess {
  readonly url: string;
  readonly port: number;
  readonly log: () => string;
  /** Instant query through Prometheus's own HTTP API. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
}

/**
 * Debian's Prometheus on a random loopback port with a temp storage dir. `config` is the YAML of
 * prometheus.yml; `{{PORT}}` in it is replaced by Prometheus's own port (so it can scrape itself).
 */
export async function startPrometheus(config: string, args: string[] = []): Promise<PrometheusProcess> {
  requirePart(PROMETHEUS, 'prometheus');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(path.join(dir, 'prometheus.yml'), config.replaceAll('{{PORT}}', String(port)));
  const { log, stop } = await startDaemon(
    'prometheus',
    dir,
    PROMETHEUS,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...args,
    ],
    async () => (await fetch(`${url}/-/ready`)).ok,
  );
  return {
    url,
    port,
    log,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { data?: { result: [] } };
      return body.data?.result ?? [];
    },
    stop,
  };
}

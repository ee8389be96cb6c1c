import path from 'node:path';
import type { Config } from '../config/index.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { VERSION } from '../version.ts';
import type { Finding } from '../agent/detect.ts';
import type { Source } from '../agent/sources/source.ts';

export function loggerFor(config: Readonly<Config>): Logger {
  return createLogger(config.log_level, config.log_format);
}

/** A URL a person can click: 0.0.0.0 means "every interface", so show localhost. */
export function browsableUrl(url: string): string {
  return url.replace('://127.0.0.1:', '://localhost:');
}

export function findingLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `  ${f.found ? 'found    ' : 'not found'}  ${f.what.padEnd(12)} ${f.detail}`);
}

export function banner(lines: string[]): void {
  process.stdout.write([`Birdseye ${VERSION}`, ...lines, ''].join('\n'));
}

export function dataDirOf(config: Readonly<Config>): string {
  return path.resolve(config.data_dir);
}

/** Where each listening source (the gateway) can be reached, with a line to try it. */
export function sourceLines(sources: readonly Source[]): string[] {
  const lines: string[] = [];
  for (const source of sources) {
    const where = source.describe?.();
    if (!where) continue;
    lines.push(`  Gateway    ${where}`);
    const tcp = /^tcp:\/\/[^:]+:(\d+)$/.exec(where);
    if (tcp) lines.push(`             try: journalctl -o json -n 10 | nc localhost ${tcp[1]}`);
  }
  return lines;
}

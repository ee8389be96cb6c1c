import { readFileSync } from 'node:fs';
import { NewlineFramer } from './framing/newline-framer.ts';
import type { ParseContext } from './types.ts';

/**
 * Test support: real captured lines from test/fixtures/parse/. Shipped in src/ (like the other
 * in-memory doubles) so every parser test reads fixtures the same way, through the real framer.
 */
const FIXTURES = new URL('../../test/fixtures/parse/', import.meta.url);

export function fixtureBytes(path: string): Buffer {
  return readFileSync(new URL(path, FIXTURES));
}

/** The fixture's lines, framed exactly as the gateway frames a TCP stream. */
export function fixtureLines(path: string): string[] {
  const framer = new NewlineFramer();
  return [...framer.push(fixtureBytes(path)), ...framer.flush()].map((frame) => frame.text);
}

/** 2026-11-25T07:30:00Z, shortly after the local fixtures were captured. */
export const CAPTURE_TS = Date.UTC(2026, 10, 25, 7, 30, 0);

export function context(overrides: Partial<ParseContext> = {}): ParseContext {
  return { received_ts: CAPTURE_TS, host: 'peer', source: 'gateway', ...overrides };
}

/** The first fixture line containing `needle`; fails loudly when the fixture changed. */
export function lineWith(lines: string[], needle: string): string {
  const line = lines.find((l) => l.includes(needle));
  if (line === undefined) throw new Error(`no fixture line contains ${needle}`);
  return line;
}

/** Asserts the listed keys only, so a table row states just what the case is about. */
export function pick(record: object | undefined, keys: string[]): Record<string, unknown> | undefined {
  if (record === undefined) return undefined;
  const source = record as Record<string, unknown>;
  return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
}

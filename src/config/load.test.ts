import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BirdseyeError } from '../core/errors.ts';
import { loadConfig } from './index.ts';

function file(content: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-config-'));
  const name = path.join(dir, 'birdseye.yaml');
  writeFileSync(name, content);
  return name;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof BirdseyeError, String(error));
    return error.message;
  }
  assert.fail('expected a config error');
}

describe('config loading', () => {
  it('works with nothing given, with defaults for everything', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.data_dir, './data');
    assert.equal(config.server.port, 8080);
    assert.equal(config.agent.host_metrics.interval_ms, 10_000);
    assert.equal(config.host_name, os.hostname());
  });

  it('applies file < environment < flags', () => {
    const yaml = file('data_dir: /from/file\nserver:\n  port: 1000\n  listen_address: 10.0.0.1\n');
    const config = loadConfig({
      file: yaml,
      env: { BIRDSEYE_PORT: '2000', BIRDSEYE_DATA_DIR: '/from/env' },
      flags: { port: '3000' },
    });
    assert.equal(config.server.port, 3000);
    assert.equal(config.data_dir, '/from/env');
    assert.equal(config.server.listen_address, '10.0.0.1');
  });

  it('returns a frozen config', () => {
    const config = loadConfig({ env: {} });
    assert.throws(() => {
      (config.server as { port: number }).port = 1;
    }, TypeError);
  });

  it('names the key and the file for an unknown key', () => {
    const message = errorOf(() => loadConfig({ file: file('agent:\n  intervall_ms: 5\n'), env: {} }));
    assert.match(message, /agent \(from config file .*birdseye\.yaml\): Unrecognized key: "intervall_ms"/i);
  });

  it('names the environment variable for a bad value', () => {
    assert.match(
      errorOf(() => loadConfig({ env: { BIRDSEYE_PORT: 'eighty' } })),
      /BIRDSEYE_PORT: "eighty" is not a whole number/,
    );
    assert.match(
      errorOf(() => loadConfig({ env: { BIRDSEYE_PORT: '70000' } })),
      /server\.port \(from BIRDSEYE_PORT\): Too big/i,
    );
  });

  it('names the flag for a bad value', () => {
    assert.match(
      errorOf(() => loadConfig({ env: {}, flags: { 'interval-ms': '5' } })),
      /agent\.host_metrics\.interval_ms \(from --interval-ms\): Too small/i,
    );
    assert.match(
      errorOf(() => loadConfig({ env: {}, flags: { server: 'not a url' } })),
      /agent\.server_url \(from --server\)/,
    );
  });

  it('reports unreadable and malformed files with the file name', () => {
    assert.match(
      errorOf(() => loadConfig({ file: '/nonexistent/birdseye.yaml', env: {} })),
      /cannot read config file \/nonexistent/,
    );
    assert.match(
      errorOf(() => loadConfig({ file: file('server: [1, 2\n'), env: {} })),
      /birdseye\.yaml \(line \d+\)/,
    );
    assert.match(
      errorOf(() => loadConfig({ file: file('- a\n- b\n'), env: {} })),
      /top level must be a mapping/,
    );
  });

  it('treats an empty file as no settings', () => {
    assert.equal(loadConfig({ file: file(''), env: {} }).server.port, 8080);
  });
});

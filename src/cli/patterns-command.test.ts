import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TemplateMiner } from '../server/patterns/miner.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LINES = [
  'Accepted password for root from 10.0.0.1 port 22 ssh2',
  'Connection closed by 10.0.0.9 [preauth]',
  'Accepted password for admin from 10.0.0.2 port 51022 ssh2',
  'Connection closed by 10.0.0.3 [preauth]',
  'Accepted password for root from 10.0.0.5 port 22 ssh2',
];

function birdseye(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('birdseye patterns', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-patterns-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'auth.log');
  writeFileSync(file, LINES.join('\n') + '\n');

  it("prints each line's pattern id, then the patterns with counts, as the server's miner groups them", () => {
    const run = birdseye(['patterns', '--input', file]);
    assert.equal(run.status, 0, run.stderr);
    const [perLine, summary] = run.stdout.split('\n\n');
    const rows = perLine!.split('\n').map((l) => l.split('\t'));
    assert.deepEqual(
      rows.map((r) => r[1]),
      LINES,
    );
    const ids = rows.map((r) => r[0]!);
    assert.equal(ids[0], ids[2]);
    assert.equal(ids[0], ids[4]);
    assert.equal(ids[1], ids[3]);
    assert.notEqual(ids[0], ids[1]);
    // The same ids the server gives these lines under the same source.
    const miner = new TemplateMiner();
    assert.equal(ids[1], miner.mine('cli', 'file', LINES[1]!).id);
    assert.deepEqual(summary!.trim().split('\n'), [
      '2 patterns in 5 lines',
      `3  ${ids[0]}  Accepted password for <*> from <IP> port <NUM> ssh2`,
      `2  ${ids[1]}  Connection closed by <IP> [preauth]`,
    ]);
  });

  it('says what is wrong with a missing file and exits 2', () => {
    const run = birdseye(['patterns', '--input', path.join(dir, 'missing.log')]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--input: cannot read .*missing\.log/);
  });
});

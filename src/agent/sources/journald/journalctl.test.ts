import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { journaldSchema } from './config.ts';
import { CursorStore } from './cursor-store.ts';
import { isBadCursorError, journalAvailable, journalctlArgs, sameEntry } from './journalctl.ts';

// Cursors as journalctl 252 printed them (test/fixtures/parse/journal-json/local-entries.jsonl).
const C156 =
  's=8f645a5c3120476cab6b071a046d2b26;i=156;b=fc43eb5be88a47febed9b3cdc71fe69e;m=18e98356;t=66114ba621198;x=592428b09d75be72';
const C157 =
  's=8f645a5c3120476cab6b071a046d2b26;i=157;b=fc43eb5be88a47febed9b3cdc71fe69e;m=18e9a047;t=66114ba622e89;x=cc3377cb4b940ba5';

describe('journalctl invocation', () => {
  const base = ['--output=export', '--follow', '--all', '--quiet', '--no-pager'];
  const cases: Array<[string, object, Parameters<typeof journalctlArgs>[1], string[]]> = [
    [
      'resumes at a cursor across boots',
      {},
      { kind: 'cursor', cursor: C156 },
      [...base, '--merge', `--cursor=${C156}`, '--no-tail'],
    ],
    ['starts at the current boot', {}, { kind: 'boot' }, [...base, '--boot', '--no-tail']],
    ['starts at new entries', {}, { kind: 'now' }, [...base, '--merge', '--lines=0']],
    ['reads everything after a bad cursor', {}, { kind: 'oldest' }, [...base, '--merge', '--no-tail']],
    [
      'filters units and priority in a journal directory',
      { directory: '/host/journal', units: ['docker.service', 'ssh.service'], priority: 'warning' },
      { kind: 'now' },
      [
        ...base,
        '--merge',
        '--directory=/host/journal',
        '--unit=docker.service',
        '--unit=ssh.service',
        '--priority=4',
        '--lines=0',
      ],
    ],
    [
      'takes a numeric priority',
      { priority: 3 },
      { kind: 'now' },
      [...base, '--merge', '--priority=3', '--lines=0'],
    ],
  ];
  for (const [name, config, position, expected] of cases) {
    it(name, () => assert.deepEqual(journalctlArgs(journaldSchema.parse(config), position), expected));
  }

  it('recognises the same entry by seqnum id and seqnum', () => {
    assert.ok(sameEntry(C156, C156));
    assert.ok(sameEntry(C156, C156.replace(/;x=.*/, '')));
    assert.ok(!sameEntry(C156, C157));
    assert.ok(!sameEntry('garbage', C156));
  });

  it('spots the error of a malformed cursor', () => {
    assert.ok(isBadCursorError('Failed to seek to cursor: Invalid argument'));
    assert.ok(!isBadCursorError('No journal files were found.'));
  });

  it('is on by default only where a journal and journalctl exist', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-journal-dir-'));
    const config = (overrides: object) => journaldSchema.parse({ directory: dir, ...overrides });
    assert.equal(journaldSchema.parse({}).enabled, 'auto');
    assert.ok(journalAvailable(config({ journalctl_path: process.execPath })));
    assert.ok(!journalAvailable(config({ directory: path.join(dir, 'none') })));
    assert.ok(!journalAvailable(config({ journalctl_path: 'no-such-journalctl' }), { PATH: dir }));
  });

  it('rejects unknown keys and bad values, naming them', () => {
    assert.throws(() => journaldSchema.parse({ unit: ['x'] }), /unit/);
    assert.throws(() => journaldSchema.parse({ start_at: 'yesterday' }), /start_at/);
  });
});

describe('cursor file', () => {
  it('writes the newest cursor of a tick once, atomically, and reads it back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-cursor-'));
    const file = path.join(dir, 'journald.cursor');
    const store = new CursorStore(file, (error) => assert.fail(String(error)));
    assert.equal(await store.load(), undefined);
    store.commit(C156);
    store.commit(C157);
    await Promise.resolve();
    assert.equal(readFileSync(file, 'utf8'), `${C157}\n`);
    assert.deepEqual(readdirSync(dir), ['journald.cursor']);
    assert.equal(await new CursorStore(file, () => undefined).load(), C157);
  });

  it('reports a failed write and keeps the old cursor', async () => {
    const errors: unknown[] = [];
    const store = new CursorStore('/nonexistent-dir/journald.cursor', (error) => errors.push(error));
    store.commit(C156);
    await Promise.resolve();
    assert.equal(errors.length, 1);
    assert.equal(store.committed, undefined);
  });
});

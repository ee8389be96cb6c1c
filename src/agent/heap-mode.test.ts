import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { FAST_FLAGS, HeapMode, SMALL_FLAGS } from './heap-mode.ts';

describe('heap mode', () => {
  const setup = () => {
    let lines = 0;
    let ms = 0;
    const flags: string[] = [];
    const mode = new HeapMode(
      () => lines,
      undefined,
      (f) => flags.push(f),
      () => ms,
    );
    /** `perSecond` lines a second for `seconds` checks. */
    const run = (perSecond: number, seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        lines += perSecond;
        ms += 1000;
        mode.check();
      }
    };
    return { mode, flags, run };
  };

  it('starts out of the memory-saving mode, and enters it after five quiet seconds', () => {
    const { mode, flags, run } = setup();
    assert.equal(mode.mode, 'fast');
    run(1000, 4);
    assert.deepEqual(flags, []);
    run(1000, 1);
    assert.equal(mode.mode, 'small');
    assert.deepEqual(flags, [SMALL_FLAGS]);
  });

  it('stays small at a steady 1,000 lines/s', () => {
    const { mode, flags, run } = setup();
    run(1000, 30);
    assert.equal(mode.mode, 'small');
    assert.equal(flags.length, 1);
  });

  it('leaves it at the first second of a backlog, and comes back only after five quiet ones', () => {
    const { mode, flags, run } = setup();
    run(0, 5);
    run(20_000, 1);
    assert.equal(mode.mode, 'fast');
    assert.deepEqual(flags, [SMALL_FLAGS, FAST_FLAGS]);
    run(3000, 10); // between the two thresholds: no change either way
    assert.equal(mode.mode, 'fast');
    run(100, 4);
    assert.equal(mode.mode, 'fast');
    run(100, 1);
    assert.equal(mode.mode, 'small');
    assert.equal(flags.at(-1), SMALL_FLAGS);
  });

  it('a busy second among quiet ones starts the quiet count again', () => {
    const { mode, run } = setup();
    run(0, 5);
    run(10_000, 1);
    run(0, 4);
    run(10_000, 1);
    run(0, 4);
    assert.equal(mode.mode, 'fast');
    run(0, 1);
    assert.equal(mode.mode, 'small');
  });

  it('sets only flags this V8 knows, and the fast mode undoes each one the small mode sets', () => {
    // V8 ignores a flag it does not know, so a misspelt one would silently do nothing.
    const known = new Set(
      [
        ...execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).matchAll(
          /^\s+--([\w-]+)/gm,
        ),
      ].map((m) => m[1]),
    );
    const names = (flags: string) => flags.split(' ').map((f) => f.replace(/^--(no-)?/, ''));
    for (const name of names(SMALL_FLAGS)) assert.ok(known.has(name), `V8 has no --${name}`);
    const negated = (flag: string) =>
      flag.startsWith('--no-') ? `--${flag.slice(5)}` : `--no-${flag.slice(2)}`;
    assert.deepEqual(FAST_FLAGS.split(' '), SMALL_FLAGS.split(' ').map(negated));
  });
});

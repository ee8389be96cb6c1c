import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeapMode } from './heap-mode.ts';

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
    assert.deepEqual(flags, ['--optimize-for-size']);
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
    assert.deepEqual(flags, ['--optimize-for-size', '--no-optimize-for-size']);
    run(3000, 10); // between the two thresholds: no change either way
    assert.equal(mode.mode, 'fast');
    run(100, 4);
    assert.equal(mode.mode, 'fast');
    run(100, 1);
    assert.equal(mode.mode, 'small');
    assert.equal(flags.at(-1), '--optimize-for-size');
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
});

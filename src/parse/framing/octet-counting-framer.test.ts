import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureBytes } from '../testing.ts';
import { AutoFramer, createFramer } from './auto-framer.ts';
import { OctetCountingFramer } from './octet-counting-framer.ts';
import type { Frame, Framer } from './types.ts';

function run(framer: Framer, chunks: Buffer[]): Frame[] {
  return [...chunks.flatMap((c) => framer.push(c)), ...framer.flush()];
}

const texts = (frames: Frame[]): string[] => frames.map((f) => f.text);

describe('OctetCountingFramer', () => {
  const captured = fixtureBytes('framing/logger-tcp-octet-count.bin');

  it('reads the messages logger sent with --octet-count', () => {
    const frames = run(new OctetCountingFramer(), [captured]);
    assert.equal(frames.length, 3);
    assert.match(
      frames[0]!.text,
      /^<13>1 2026-11-25T07:36:19\.836795\+00:00 vm octet - - \[timeQuality .*\] first message$/,
    );
    assert.match(frames[1]!.text, /second message with a\ttab$/);
    assert.match(frames[2]!.text, /third ✓$/);
    assert.deepEqual(
      frames.map((f) => f.size_bytes),
      [104, 116, 100],
    );
  });

  it('gives the same frames wherever the stream is split', () => {
    const expected = texts(run(new OctetCountingFramer(), [captured]));
    for (let at = 0; at <= captured.length; at++) {
      const split = [captured.subarray(0, at), captured.subarray(at)];
      assert.deepEqual(texts(run(new OctetCountingFramer(), split)), expected, `split at ${at}`);
    }
  });

  const cases: { name: string; input: string; max?: number; frames: [string, boolean][] }[] = [
    {
      name: 'falls back to LF framing for a frame without a length',
      input: '<13>hello\n11 <13>counted',
      frames: [
        ['<13>hello', false],
        ['<13>counted', false],
      ],
    },
    { name: 'treats a broken length as text', input: '12x rest\n', frames: [['12x rest', false]] },
    {
      name: 'skips LF, CR and NUL between frames',
      input: '3 abc\r\n\u00003 def\n',
      frames: [
        ['abc', false],
        ['def', false],
      ],
    },
    {
      name: 'cuts an over-long counted frame and stays aligned',
      input: '10 01234567893 abc',
      max: 4,
      frames: [
        ['0123', true],
        ['abc', false],
      ],
    },
    { name: 'keeps a half frame on flush', input: '20 partial', frames: [['partial', false]] },
    { name: 'keeps a lone length on flush', input: '42', frames: [['42', false]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const framer = new OctetCountingFramer(c.max === undefined ? {} : { max_line_bytes: c.max });
      assert.deepEqual(
        run(framer, [Buffer.from(c.input)]).map((f) => [f.text, f.truncated]),
        c.frames,
      );
    });
  }
});

describe('AutoFramer', () => {
  const cases: { fixture: string; detected: string; frames: number }[] = [
    { fixture: 'framing/logger-tcp-octet-count.bin', detected: 'octet-counting', frames: 3 },
    { fixture: 'framing/logger-tcp-octet-count-3164.bin', detected: 'octet-counting', frames: 2 },
    { fixture: 'framing/logger-tcp-newline.bin', detected: 'newline', frames: 2 },
  ];
  for (const c of cases) {
    it(`detects ${c.detected} framing in ${c.fixture}`, () => {
      const framer = new AutoFramer();
      // A leading newline decides nothing; in newline framing it is an empty line of its own.
      const frames = run(framer, [Buffer.from('\n'), fixtureBytes(c.fixture)]).filter((f) => f.text !== '');
      assert.equal(framer.detected, c.detected);
      assert.equal(frames.length, c.frames);
      assert.ok(frames.every((f) => f.text.startsWith('<13>')));
    });
  }

  it('keeps what it held when the stream ends before deciding', () => {
    assert.deepEqual(texts(run(createFramer('auto'), [Buffer.from('\n')])), ['']);
  });
});

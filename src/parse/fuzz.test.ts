import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { logRecordProblems } from '../model/log-record.ts';
import { parseFrame } from './detect.ts';
import { createFramer, type FramingName } from './framing/auto-framer.ts';
import { NewlineFramer } from './framing/newline-framer.ts';
import { MultilineJoiner, streamKey } from './multiline.ts';
import { context, fixtureBytes } from './testing.ts';

/**
 * Random and mutated input for a fixed number of iterations. Seeded, so a failure replays: the
 * assertion message names the iteration and seed.
 */
const ITERATIONS = 2000;
const SEED = 0x5eed_b1d5;

/** mulberry32: small, fast, good enough to spread test inputs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS: Buffer[] = [
  'journal-json',
  'journal-short',
  'logfmt',
  'json',
  'rfc5424',
  'rfc3164',
  'plain',
  'multiline',
].flatMap((dir) => {
  const url = new URL(`../../test/fixtures/parse/${dir}/`, import.meta.url);
  return readdirSync(url).map((file) => fixtureBytes(`${dir}/${file}`));
});
/** Bytes that matter to framers and parsers: separators, quotes, escapes, invalid UTF-8. */
const SPICE = [
  0x0a, 0x0d, 0x00, 0xff, 0xc3, 0x7b, 0x7d, 0x3c, 0x3e, 0x22, 0x5c, 0x3d, 0x5b, 0x5d, 0x20, 0x09, 0x1b,
];

function makeInput(next: () => number): Buffer {
  const pick = (n: number): number => Math.floor(next() * n);
  if (next() < 0.25) {
    const bytes = Buffer.alloc(pick(600));
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() < 0.3 ? SPICE[pick(SPICE.length)]! : pick(256);
    return bytes;
  }
  const source = CORPUS[pick(CORPUS.length)]!;
  const start = pick(source.length);
  const bytes = Buffer.from(source.subarray(start, start + 1 + pick(2000)));
  const mutations = pick(8);
  for (let m = 0; m < mutations && bytes.length > 0; m++) {
    bytes[pick(bytes.length)] = next() < 0.7 ? SPICE[pick(SPICE.length)]! : pick(256);
  }
  return bytes;
}

/** Splits the input into random chunks, as a socket would deliver it. */
function chunks(bytes: Buffer, next: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length;) {
    const size = 1 + Math.floor(next() * 64);
    out.push(bytes.subarray(i, i + size));
    i += size;
  }
  return out;
}

/** Lines the newline framer must produce: one per LF, plus a final unterminated one. */
function expectedLines(bytes: Buffer): number {
  let count = 0;
  for (const byte of bytes) if (byte === 0x0a) count++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? count + 1 : count;
}

describe('fuzz', () => {
  it(`turns every line of ${ITERATIONS} random and mutated inputs into exactly one valid record`, () => {
    const next = random(SEED);
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const where = `iteration ${iteration}, seed ${SEED}`;
      const input = makeInput(next);
      const maxLineBytes = next() < 0.3 ? 16 + Math.floor(next() * 64) : undefined;
      const framer = new NewlineFramer(maxLineBytes === undefined ? {} : { max_line_bytes: maxLineBytes });
      const frames = [...chunks(input, next).flatMap((c) => framer.push(c)), ...framer.flush()];
      assert.equal(frames.length, expectedLines(input), where);

      const joiner = new MultilineJoiner({ max_lines: 1 + Math.floor(next() * 20) });
      const byStream = new Map<string, string[]>();
      const joined = [];
      for (const frame of frames) {
        if (maxLineBytes !== undefined) assert.ok(Buffer.byteLength(frame.text) <= maxLineBytes * 3, where);
        const record = parseFrame(frame, context());
        assert.deepEqual(logRecordProblems(record), [], where);
        const key = streamKey(record);
        byStream.set(key, [...(byStream.get(key) ?? []), record.message]);
        joined.push(...joiner.push(record));
      }
      joined.push(...joiner.flush());
      // The joiner loses and reorders nothing within a stream.
      const out = new Map<string, string[]>();
      for (const record of joined)
        out.set(streamKey(record), [...(out.get(streamKey(record)) ?? []), record.message]);
      for (const [key, messages] of byStream)
        assert.equal(out.get(key)?.join('\n'), messages.join('\n'), where);
    }
  });

  it('never throws in any framing on random input, and never emits more than it was given', () => {
    const next = random(SEED + 1);
    const framings: FramingName[] = ['newline', 'octet-counting', 'auto'];
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const input = makeInput(next);
      const framer = createFramer(framings[iteration % 3]!, { max_line_bytes: 8 + Math.floor(next() * 512) });
      const frames = [...chunks(input, next).flatMap((c) => framer.push(c)), ...framer.flush()];
      const emitted = frames.reduce((sum, f) => sum + f.size_bytes, 0);
      assert.ok(emitted <= input.length, `iteration ${iteration}`);
      for (const frame of frames) assert.deepEqual(logRecordProblems(parseFrame(frame, context())), []);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureBytes } from '../testing.ts';
import { NewlineFramer } from './newline-framer.ts';
import type { Frame } from './types.ts';

function frame(chunks: (string | number[])[], maxLineBytes?: number): { pushed: Frame[]; flushed: Frame[] } {
  const framer = new NewlineFramer(maxLineBytes === undefined ? {} : { max_line_bytes: maxLineBytes });
  const pushed = chunks.flatMap((c) => framer.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c)));
  return { pushed, flushed: framer.flush() };
}

const text = (frames: Frame[]): string[] => frames.map((f) => f.text);

describe('NewlineFramer', () => {
  const cases: {
    name: string;
    chunks: (string | number[])[];
    max?: number;
    pushed: string[];
    flushed?: string[];
  }[] = [
    { name: 'keeps a half line until flush', chunks: ['a\nb'], pushed: ['a'], flushed: ['b'] },
    { name: 'drops the CR of CRLF, only at the end', chunks: ['a\r\nb\rc\r\n'], pushed: ['a', 'b\rc'] },
    { name: 'keeps NUL bytes as data', chunks: [[0x61, 0x00, 0x62, 0x0a]], pushed: ['a\u0000b'] },
    {
      name: 'replaces invalid UTF-8 with U+FFFD',
      chunks: [[0x61, 0xff, 0xfe, 0x62, 0x0a]],
      pushed: ['a\uFFFD\uFFFDb'],
    },
    {
      name: 'joins a character split across chunks',
      chunks: ['caf', [0xc3], [0xa9, 0x0a]],
      pushed: ['café'],
    },
    { name: 'keeps empty lines', chunks: ['\n\r\n'], pushed: ['', ''] },
    { name: 'emits nothing for an empty stream', chunks: [], pushed: [] },
    { name: 'does not cut a line of exactly the limit', chunks: ['abcd\n'], max: 4, pushed: ['abcd'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { pushed, flushed } = frame(c.chunks, c.max);
      assert.deepEqual(text(pushed), c.pushed);
      assert.deepEqual(text(flushed), c.flushed ?? []);
      assert.ok(pushed.every((f) => !f.truncated));
    });
  }

  it('truncates an over-long line, flags it and skips the rest up to the newline', () => {
    const { pushed, flushed } = frame(['0123456789abc\nnext\n'], 8);
    assert.deepEqual(
      pushed.map((f) => [f.text, f.truncated]),
      [
        ['01234567', true],
        ['next', false],
      ],
    );
    assert.deepEqual(flushed, []);
  });

  it('emits the cut line as soon as it passes the limit, without waiting for a newline', () => {
    const framer = new NewlineFramer({ max_line_bytes: 4 });
    assert.deepEqual(framer.push(Buffer.from('ab')), []);
    assert.deepEqual(text(framer.push(Buffer.from('cdef'))), ['abcd']);
    assert.deepEqual(framer.push(Buffer.from('gh')), []);
    assert.deepEqual(text(framer.push(Buffer.from('ij\nx\n'))), ['x']);
    assert.deepEqual(framer.flush(), []);
  });

  it('cuts on a character boundary', () => {
    const { pushed } = frame(['abcdé and more\n'], 5);
    assert.equal(pushed[0]?.text, 'abcd');
    assert.equal(pushed[0]?.truncated, true);
  });

  it('frames a captured TCP stream the same whether it arrives whole or byte by byte', () => {
    const bytes = fixtureBytes('framing/logger-tcp-newline.bin');
    const whole = frame([[...bytes]]);
    const framer = new NewlineFramer();
    const byByte: Frame[] = [];
    for (const byte of bytes) byByte.push(...framer.push(Buffer.from([byte])));
    byByte.push(...framer.flush());
    assert.equal(whole.pushed.length, 2);
    assert.match(whole.pushed[1]!.text, /second message$/);
    assert.deepEqual(byByte, [...whole.pushed, ...whole.flushed]);
  });
});

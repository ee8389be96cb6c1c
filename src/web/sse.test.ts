import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from './sse.ts';

describe('SseParser', () => {
  it('reads the tail stream as the server writes it', () => {
    const parser = new SseParser();
    const events = parser.push(
      ': tail started\n\nid: 1-2\ndata: {"message":"a"}\n\n: heartbeat\n\nevent: dropped\ndata: {"dropped":3}\n\n',
    );
    assert.deepEqual(events, [
      { event: 'message', data: '{"message":"a"}', id: '1-2' },
      { event: 'dropped', data: '{"dropped":3}' },
    ]);
  });

  it('joins events split across chunks, anywhere', () => {
    const text = 'id: 7\ndata: {"message":"split here"}\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      assert.deepEqual(
        events,
        [{ event: 'message', data: '{"message":"split here"}', id: '7' }],
        `cut at ${cut}`,
      );
    }
  });

  it('accepts CRLF and CR line ends, and multi-line data', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: a\r\ndata: b\r\n\r'), []);
    assert.deepEqual(parser.push('\ndata:c\r\r'), [{ event: 'message', data: 'a\nb' }]);
    // A CR at the end of a chunk may be half of a CRLF, so it waits for the next chunk.
    assert.deepEqual(parser.push('\n'), [{ event: 'message', data: 'c' }]);
  });

  it('ignores an event without data', () => {
    assert.deepEqual(new SseParser().push('event: ping\n\n'), []);
  });
});

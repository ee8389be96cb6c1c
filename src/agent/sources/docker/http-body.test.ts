import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpBodyDecoder } from './http-body.ts';

/** Feeds `raw` in pieces of `step` bytes; returns the body and the decoder. */
function decode(raw: string, step: number): { body: string; decoder: HttpBodyDecoder } {
  const decoder = new HttpBodyDecoder();
  const bytes = Buffer.from(raw, 'latin1');
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += step) parts.push(decoder.push(bytes.subarray(at, at + step)));
  return { body: Buffer.concat(parts).toString('latin1'), decoder };
}

// As dockerd streams `GET /containers/{id}/logs?follow=1`: a chunk per write, multiplexed frames inside.
const CHUNKED =
  'HTTP/1.1 200 OK\r\nApi-Version: 1.47\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n' +
  'Docker-Experimental: false\r\nOstype: linux\r\nServer: Docker/26.1.5+dfsg1 (linux)\r\n' +
  'Date: Wed, 02 Dec 2026 02:40:11 GMT\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '1a\r\n\x01\x00\x00\x00\x00\x00\x00\x12line one of stdout\r\n' +
  'b;ext=1\r\n\x02\x00\x00\x00\x00\x00\x00\x03err\r\n' +
  '0\r\n\r\n';

describe('HttpBodyDecoder', () => {
  it('de-chunks a streamed body split at every possible byte boundary', () => {
    const expected = '\x01\x00\x00\x00\x00\x00\x00\x12line one of stdout\x02\x00\x00\x00\x00\x00\x00\x03err';
    for (let step = 1; step <= CHUNKED.length; step++) {
      const { body, decoder } = decode(CHUNKED, step);
      assert.equal(body, expected, `read ${step} bytes at a time`);
      assert.equal(decoder.status, 200);
      assert.equal(decoder.complete, true);
    }
  });

  it('stops at Content-Length, and reads a body without framing until the connection ends', () => {
    const sized = decode('HTTP/1.1 404 Not Found\r\nContent-Length: 14\r\n\r\n{"message":"x"}trailing', 5);
    assert.equal(sized.decoder.status, 404);
    assert.equal(sized.body, '{"message":"x"');
    assert.equal(sized.decoder.complete, true);
    const open = decode('HTTP/1.0 200 OK\r\n\r\nabc', 2);
    assert.equal(open.body, 'abc');
    assert.equal(open.decoder.complete, false);
  });

  it('gives back a copy, so the caller may reuse its read buffer', () => {
    const decoder = new HttpBodyDecoder();
    const buffer = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n', 'latin1');
    const body = decoder.push(buffer);
    buffer.fill(0);
    assert.equal(body.toString(), 'abc');
  });

  it('throws on what is not an HTTP response or a broken chunk', () => {
    assert.throws(
      () => new HttpBodyDecoder().push(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')),
      /not an HTTP response/,
    );
    assert.throws(
      () =>
        new HttpBodyDecoder().push(
          Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
        ),
      /bad chunk size/,
    );
    assert.throws(
      () =>
        new HttpBodyDecoder().push(
          Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n'),
        ),
      /CRLF/,
    );
    assert.throws(() => new HttpBodyDecoder().push(Buffer.alloc(70_000, 'a')), /head over/);
  });
});

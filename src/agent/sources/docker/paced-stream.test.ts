import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DockerApiError } from './api-error.ts';
import { PacedStream, ReadPacer } from './paced-stream.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PacedStream (node:http server on a unix socket, as dockerd streams logs)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-paced-'));
  const socketPath = path.join(dir, 'docker.sock');
  const endpoint = { kind: 'unix' as const, socketPath };
  let server: Server;
  let writer: ServerResponse | undefined;
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/missing') {
        response.writeHead(404, { 'content-type': 'application/json' });
        return response.end('{"message":"No such container: missing"}\n');
      }
      // Streamed like dockerd: chunked, a write per line, the connection held open.
      response.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
      response.flushHeaders();
      writer = response;
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a line-at-a-time stream in few reads, losing and reordering nothing', async () => {
    const pacer = new ReadPacer(150);
    const reads: string[] = [];
    const stream = await PacedStream.open({
      endpoint,
      path: '/lines',
      pacer,
      onBody: (data) => reads.push(data.toString()),
      timeoutMs: 5_000,
    });
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}\n`);
    for (const line of lines) {
      writer!.write(line);
      await sleep(10);
    }
    writer!.end();
    await stream.done;
    pacer.close();
    assert.equal(reads.join(''), lines.join(''));
    // 30 writes over ~300 ms, read at most every 150 ms (plus the first read with the head).
    assert.ok(reads.length <= 6, `${reads.length} reads`);
  });

  it('tells when a round is over, with what the woken streams had waiting already read', async () => {
    let text = '';
    const atRounds: string[] = [];
    const pacer = new ReadPacer(100, () => atRounds.push(text));
    const stream = await PacedStream.open({
      endpoint,
      path: '/rounds',
      pacer,
      onBody: (data) => (text += data.toString()),
      timeoutMs: 5_000,
    });
    writer!.write('first\n');
    await sleep(30);
    writer!.write('second\n');
    writer!.write('third\n');
    while (atRounds.length === 0) await sleep(10);
    assert.equal(atRounds[0], 'first\nsecond\nthird\n');
    stream.destroy();
    await stream.done;
    pacer.close();
  });

  it('stops reading while held, and delivers everything once released', async () => {
    const pacer = new ReadPacer(20);
    let text = '';
    const stream = await PacedStream.open({
      endpoint,
      path: '/held',
      pacer,
      onBody: (data) => (text += data.toString()),
      timeoutMs: 5_000,
    });
    writer!.write('before\n');
    await sleep(100);
    stream.hold();
    writer!.write('during\n');
    await sleep(200);
    assert.equal(text, 'before\n');
    stream.release();
    await sleep(100);
    assert.equal(text, 'before\nduring\n');
    stream.destroy();
    await stream.done;
    pacer.close();
  });

  it('rejects with the status and the daemon’s message when the answer is not 2xx', async () => {
    const pacer = new ReadPacer(20);
    await assert.rejects(
      PacedStream.open({ endpoint, path: '/missing', pacer, onBody: () => undefined, timeoutMs: 5_000 }),
      (error: DockerApiError) => error.status === 404 && /No such container: missing/.test(error.message),
    );
    pacer.close();
  });

  it('rejects, naming the socket problem, when nothing listens', async () => {
    const pacer = new ReadPacer(20);
    await assert.rejects(
      PacedStream.open({
        endpoint: { kind: 'unix', socketPath: path.join(dir, 'none.sock') },
        path: '/x',
        pacer,
        onBody: () => undefined,
        timeoutMs: 5_000,
      }),
      (error: DockerApiError) => error.status === undefined && /ENOENT/.test(error.message),
    );
    pacer.close();
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LogDecoder, parseDockerTime } from './log-decoder.ts';

// The logs endpoint's body (timestamps=1, multiplexed) for: the shell's "Killed" (stderr, after an
// OOM kill of its subshell), "out 1", "err 1" (stderr), and a
// 20,000-byte line that dockerd 20.10 stored as a 16 KiB part and the rest, both with one time.
const BODY = readFileSync(new URL('../../../../test/fixtures/docker/logs-multiplexed.bin', import.meta.url));

describe('docker log decoder', () => {
  it('splits multiplexed frames into lines and rejoins 16 KiB parts', () => {
    const lines = new LogDecoder(false, 1 << 20).push(BODY);
    assert.deepEqual(
      lines.map((l) => [l.stream, l.text.length > 100 ? `x×${l.text.length}` : l.text]),
      [
        ['stderr', 'Killed'],
        ['stdout', 'out 1'],
        ['stderr', 'err 1'],
        ['stdout', 'x×20000'],
      ],
    );
    assert.equal(lines[3]!.position.n, 2, 'both parts share one nanosecond');
  });

  it('gives the same lines when the body arrives a byte at a time', () => {
    const decoder = new LogDecoder(false, 1 << 20);
    const lines = [...BODY].flatMap((byte) => decoder.push(Buffer.from([byte])));
    assert.deepEqual(lines, new LogDecoder(false, 1 << 20).push(BODY));
  });

  it('skips what was delivered before the saved position', () => {
    const all = new LogDecoder(false, 1 << 20).push(BODY);
    const resumed = new LogDecoder(false, 1 << 20, all[1]!.position).push(BODY);
    assert.deepEqual(resumed, all.slice(2));
  });

  it('cuts a line over the limit and flags it', () => {
    const [, , , long] = new LogDecoder(false, 16 * 1024 + 10).push(BODY);
    assert.equal(long!.text.length, 16 * 1024 + 10);
    assert.equal(long!.truncated, true);
  });

  it('reads TTY streams, whose parts run together', () => {
    const t = '2026-01-02T03:04:05.123456789Z ';
    const body = `${t}a\r\n${t}${'y'.repeat(16 * 1024)}${t}yy\r\n`;
    const lines = new LogDecoder(true, 1 << 20).push(Buffer.from(body));
    assert.deepEqual(
      lines.map((l) => l.text.length),
      [1, 16 * 1024 + 2],
    );
    assert.equal(lines[0]!.ts, Date.UTC(2026, 0, 2, 3, 4, 5) + 123.456789);
  });

  it('keeps the nanoseconds of a time stamp exactly', () => {
    assert.equal(parseDockerTime('2026-01-02T03:04:05.000000001Z x')?.ns, 1767323045000000001n);
    assert.equal(parseDockerTime('no time'), undefined);
  });
});

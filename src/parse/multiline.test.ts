import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogRecord } from '../model/log-record.ts';
import { parseLine } from './detect.ts';
import { MultilineJoiner, streamKey } from './multiline.ts';
import { context, fixtureLines } from './testing.ts';

function join(lines: string[], joiner = new MultilineJoiner()): LogRecord[] {
  return [...lines.flatMap((line) => joiner.push(parseLine(line, context()))), ...joiner.flush()];
}

/** Each output record as [its line count, its first line]. */
const shape = (records: LogRecord[]): [number, string][] =>
  records.map((r) => [r.message.split('\n').length, r.message.split('\n')[0]!]);

describe('MultilineJoiner', () => {
  const cases: { fixture: string; groups: [number, string][] }[] = [
    {
      fixture: 'java-trace.log',
      groups: [
        [1, '2026-11-25 07:40:01.120  INFO 1 --- [main] c.e.shop.Main : Started Main'],
        [14, '2026-11-25 07:40:01.345 ERROR 1 --- [main] c.e.shop.Main : Request failed'],
        [1, '2026-11-25 07:40:01.346  INFO 1 --- [main] c.e.shop.Main : Next request'],
        [
          2,
          'Exception in thread "main" java.lang.NullPointerException: Cannot invoke "Object.toString()" because "<local1>" is null',
        ],
      ],
    },
    {
      fixture: 'python-trace.log',
      groups: [
        [1, '2026-11-25 07:36:46,848 INFO worker: job 17 started'],
        [11, '2026-11-25 07:36:46,848 ERROR worker: job 17 failed'],
        [1, '2026-11-25 07:36:46,848 INFO worker: job 18 started'],
        [3, 'Traceback (most recent call last):'],
      ],
    },
    {
      fixture: 'node-trace.log',
      groups: [
        [1, '[2026-11-25T07:41:00.001Z] INFO listening on :3000'],
        [10, '[2026-11-25T07:41:00.101Z] ERROR unhandled request error'],
        [1, '[2026-11-25T07:41:00.102Z] INFO request finished status=500'],
        [10, '/tmp/ml/app.js:8'],
      ],
    },
    {
      fixture: 'node-inspect.log',
      groups: [
        [16, '[2026-11-25T07:42:00.000Z] ERROR sync failed'],
        [1, '[2026-11-25T07:42:00.001Z] INFO retry in 5s'],
      ],
    },
    {
      fixture: 'go-panic.log',
      groups: [[14, 'panic: runtime error: invalid memory address or nil pointer dereference']],
    },
    {
      fixture: 'go-goroutines.log',
      groups: [
        [12, 'panic: runtime error: invalid memory address or nil pointer dereference'],
        [1, 'exit status 2'],
      ],
    },
    { fixture: 'zap-stacktrace.log', groups: [[5, fixtureLines('multiline/zap-stacktrace.log')[0]!]] },
    { fixture: 'dotnet-kestrel.log', groups: [[13, 'fail: Microsoft.AspNetCore.Server.Kestrel[13]']] },
    { fixture: 'dotnet-inner.log', groups: [[7, fixtureLines('multiline/dotnet-inner.log')[0]!]] },
  ];
  for (const c of cases) {
    it(`joins the traces in ${c.fixture} and nothing else`, () => {
      const lines = fixtureLines(`multiline/${c.fixture}`);
      const records = join(lines);
      assert.deepEqual(shape(records), c.groups);
      // Nothing lost, nothing reordered.
      assert.equal(records.map((r) => r.message).join('\n'), lines.join('\n'));
    });
  }

  const unrelated = [
    'journal-json/local-entries.jsonl',
    'journal-short/short-iso.utc.txt',
    'logfmt/dockerd.log',
    'json/pino.jsonl',
    'rfc5424/logger.txt',
    'rfc3164/logger.txt',
    'plain/logrus-tty.log',
  ];
  for (const fixture of unrelated) {
    it(`never merges the independent lines of ${fixture}`, () => {
      const lines = fixtureLines(fixture).filter((l) => !/^\s+File|KeyError/.test(l));
      assert.equal(join(lines).length, lines.length);
    });
  }

  it('keeps streams apart: a frame of one service never joins another', () => {
    const joiner = new MultilineJoiner();
    const java = fixtureLines('multiline/java-trace.log');
    const a = parseLine(java[1]!, context({ host: 'a' }));
    const b = parseLine(java[3]!, context({ host: 'b' }));
    assert.notEqual(streamKey(a), streamKey(b));
    assert.deepEqual(joiner.push(a), []);
    assert.deepEqual(joiner.push(b), []);
    assert.deepEqual(
      joiner.flush().map((r) => r.message),
      [java[1], java[3]],
    );
  });

  it('emits a pending trace once its stream has been idle long enough', () => {
    const joiner = new MultilineJoiner();
    const lines = fixtureLines('multiline/go-panic.log');
    for (const line of lines) joiner.push(parseLine(line, context({ received_ts: 1000 })));
    assert.deepEqual(joiner.flushIdle(1400, 500), []);
    const flushed = joiner.flushIdle(1500, 500);
    assert.equal(flushed.length, 1);
    assert.equal(flushed[0]!.message, lines.join('\n'));
    assert.equal(joiner.pending, 0);
  });

  it('releases a held exception header as its own record when nothing confirms it', () => {
    const java = fixtureLines('multiline/java-trace.log');
    const records = join([java[1]!, java[2]!]);
    assert.deepEqual(
      records.map((r) => r.message),
      [java[1], java[2]],
    );
  });

  it('splits a trace longer than max_lines without losing a line', () => {
    const lines = fixtureLines('multiline/java-trace.log').slice(1, 15);
    const records = join(lines, new MultilineJoiner({ max_lines: 5 }));
    assert.deepEqual(
      records.map((r) => r.message.split('\n').length),
      [5, 5, 4],
    );
    assert.equal(records.map((r) => r.message).join('\n'), lines.join('\n'));
  });

  it('carries the first record’s fields and a truncated flag onto the joined record', () => {
    const joiner = new MultilineJoiner();
    const lines = fixtureLines('multiline/dotnet-inner.log');
    joiner.push(parseLine(lines[0]!, context()));
    joiner.push({ ...parseLine(lines[1]!, context()), truncated: true });
    const [record] = joiner.flush();
    assert.equal(record?.format, 'plain');
    assert.equal(record?.truncated, true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPTURE_TS, context, fixtureLines, pick } from '../testing.ts';
import { logfmt } from './logfmt.ts';
import { tokenizeLogfmt } from './logfmt-tokens.ts';

const dockerd = fixtureLines('logfmt/dockerd.log');
const readme = fixtureLines('logfmt/logrus-readme.log');

describe('logfmt', () => {
  const cases: { name: string; line: string; expected: Record<string, unknown> }[] = [
    {
      name: 'reads time with nanoseconds and a negative offset, level and msg',
      line: dockerd[0]!,
      expected: {
        ts: Date.UTC(2017, 1, 28, 16 + 8, 18, 26) + 549.423,
        severity: 7,
        message: 'Listener created for HTTP on fd ()',
      },
    },
    {
      name: 'unescapes quotes inside a quoted value',
      line: dockerd[1]!,
      expected: { message: '[graphdriver] trying provided driver "aufs"' },
    },
    {
      name: 'reads an unquoted msg and keeps other keys as fields',
      line: dockerd[2]!,
      expected: {
        message: 'serving...',
        fields: { address: '/var/run/docker/containerd/containerd-debug.sock' },
      },
    },
    {
      name: 'keeps values as strings',
      line: dockerd[3]!,
      expected: { fields: { error: '<nil>', notified: 'false', state: 'READY=1' } },
    },
    {
      name: 'maps warning and unescapes a field value',
      line: dockerd[4]!,
      expected: {
        severity: 4,
        message: 'auplink flush failed: ',
        fields: {
          error: 'exec: "auplink": executable file not found in $PATH',
          method: 'Unmount',
          'storage-driver': 'aufs',
        },
      },
    },
    { name: 'maps error', line: dockerd[5]!, expected: { severity: 3 } },
    {
      name: 'reads a time without fraction',
      line: dockerd[6]!,
      expected: { ts: Date.UTC(2018, 1, 19, 17, 5, 49) },
    },
    { name: 'keeps non-ASCII values', line: dockerd[7]!, expected: { fields: { t: '7.52µs' } } },
    {
      name: 'recovers a value with unescaped inner quotes',
      line: dockerd[10]!,
      expected: {
        message: 'loading plugin "io.containerd.grpc.v1.tasks"...',
        fields: { module: 'containerd', type: 'io.containerd.grpc.v1' },
      },
    },
    {
      name: 'keeps a time it cannot read and falls back to the receive time',
      line: readme[1]!,
      expected: {
        ts: CAPTURE_TS,
        severity: 4,
        message: "The group's number increased tremendously!",
        fields: { time: 'Oct 27 00:44:26', number: '122', omg: 'true' },
      },
    },
    { name: 'maps logrus panic to emergency', line: readme[2]!, expected: { severity: 0 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const record = logfmt.parse(c.line, context());
      assert.deepEqual(pick(record, Object.keys(c.expected)), c.expected);
      assert.equal(record?.format, 'logfmt');
    });
  }

  it('parses every captured dockerd line', () => {
    for (const line of dockerd) assert.ok(logfmt.parse(line, context()), line);
  });

  const rejected: [string, string][] = [
    ['prose with one pair', 'debug detail x=1'],
    ['a logrus terminal line', fixtureLines('plain/logrus-tty.log')[2]!],
    ['a JSON line', fixtureLines('json/pino.jsonl')[0]!],
    ['an unterminated quote', dockerd[1]!.slice(0, 60)],
  ];
  for (const [name, line] of rejected) {
    it(`rejects ${name}`, () => assert.equal(logfmt.parse(line, context()), undefined));
  }

  it('decodes Go escapes in quoted values', () => {
    assert.deepEqual(tokenizeLogfmt('msg="a\\tb\\nc \\u00e9 \\x41 \\\\ \\q"'), [
      ['msg', 'a\tb\nc é A \\ \\q'],
    ]);
  });
});

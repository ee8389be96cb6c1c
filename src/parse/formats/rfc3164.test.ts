import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OctetCountingFramer } from '../framing/octet-counting-framer.ts';
import { context, fixtureBytes, fixtureLines, lineWith, pick } from '../testing.ts';
import { rfc3164 } from './rfc3164.ts';

const lines = fixtureLines('rfc3164/logger.txt');
const NOV_25 = Date.UTC(2026, 10, 25, 7, 26, 13);

describe('rfc3164', () => {
  const cases: {
    name: string;
    line: string;
    received?: number;
    offset?: number;
    expected: Record<string, unknown>;
  }[] = [
    {
      name: 'reads priority, time, host, tag and message',
      line: lineWith(lines, 'hello 3164'),
      expected: {
        ts: NOV_25,
        host: 'vm',
        service: 'myapp',
        severity: 5,
        message: 'hello 3164',
        fields: { facility: 'user' },
      },
    },
    {
      name: 'reads a pid',
      line: lineWith(lines, 'api[4242]'),
      expected: { severity: 3, service: 'api', fields: { facility: 'local0', pid: '4242' } },
    },
    {
      name: 'reads a tag with a slash',
      line: lineWith(lines, 'postfix'),
      expected: {
        service: 'postfix/smtpd',
        message: 'connect from unknown[198.51.100.4]',
        fields: { facility: 'mail', pid: '991' },
      },
    },
    {
      name: 'keeps a kernel message that starts with brackets',
      line: lineWith(lines, 'eth0'),
      expected: { service: 'kernel', severity: 4, message: '[ 1234.5678] eth0: link down' },
    },
    {
      name: 'puts a Dec 31 line received on 1 January in the old year',
      line: lineWith(lines, 'CRON'),
      received: Date.UTC(2026, 0, 1, 0, 0, 3),
      expected: {
        ts: Date.UTC(2025, 11, 31, 23, 59, 58),
        service: 'CRON',
        fields: { facility: 'cron', pid: '77' },
      },
    },
    {
      name: 'reads a space-padded day',
      line: lineWith(lines, 'single digit day'),
      received: Date.UTC(2026, 0, 5, 9, 8, 8),
      expected: { ts: Date.UTC(2026, 0, 5, 9, 8, 7) },
    },
    {
      name: 'reads local time at the configured offset',
      line: lineWith(lines, 'wall clock'),
      offset: 330,
      expected: { ts: NOV_25 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ctx = context({
        ...(c.received === undefined ? {} : { received_ts: c.received }),
        ...(c.offset === undefined ? {} : { utc_offset_minutes: c.offset }),
      });
      const record = rfc3164.parse(c.line, ctx);
      assert.deepEqual(pick(record, Object.keys(c.expected)), c.expected);
      assert.equal(record?.format, 'rfc3164');
    });
  }

  it('reads octet-counted messages from logger over TCP', () => {
    const framer = new OctetCountingFramer();
    const frames = [
      ...framer.push(fixtureBytes('framing/logger-tcp-octet-count-3164.bin')),
      ...framer.flush(),
    ];
    const records = frames.map((f) => rfc3164.parse(f.text, context()));
    assert.deepEqual(
      records.map((r) => [r?.service, r?.message]),
      [
        ['octet3164', 'one'],
        ['octet3164', 'two'],
      ],
    );
  });

  it('rejects a line without a priority', () => {
    assert.equal(rfc3164.parse(fixtureLines('journal-short/short.utc.txt')[0]!, context()), undefined);
  });
});

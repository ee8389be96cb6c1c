import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { logRecordProblems } from '../model/log-record.ts';
import { parseFrame, parseLine } from './detect.ts';
import { FORMAT_NAMES } from './registry.ts';
import { CAPTURE_TS, context, fixtureLines } from './testing.ts';

const DIRECTORY_FORMAT: Record<string, string> = {
  'journal-json': 'journal-json',
  'journal-short': 'journal-short',
  logfmt: 'logfmt',
  json: 'json',
  rfc5424: 'rfc5424',
  rfc3164: 'rfc3164',
  plain: 'plain',
};

describe('format detection', () => {
  for (const [directory, format] of Object.entries(DIRECTORY_FORMAT)) {
    const dir = new URL(`../../test/fixtures/parse/${directory}/`, import.meta.url);
    for (const file of readdirSync(dir)) {
      it(`detects ${format} in ${directory}/${file}`, () => {
        for (const line of fixtureLines(`${directory}/${file}`)) {
          const record = parseLine(line, context());
          // journalctl indents the continuation lines of a multi-line entry: those are plain text.
          const expected = directory === 'journal-short' && /^\s/.test(line) ? 'plain' : format;
          assert.equal(record.format, expected, line);
          assert.equal(record.parse_error, undefined, line);
          assert.deepEqual(logRecordProblems(record), [], line);
        }
      });
    }
  }

  it('lists every format in the registry', () => {
    assert.deepEqual([...FORMAT_NAMES].sort(), Object.values(DIRECTORY_FORMAT).sort());
  });

  it('honours a pinned format', () => {
    const line = fixtureLines('rfc3164/logger.txt')[0]!;
    assert.equal(parseLine(line, context(), 'rfc3164').format, 'rfc3164');
    assert.equal(parseLine(line, context(), 'plain').format, 'plain');
  });

  it('keeps a line the pinned parser rejects exactly as received, flagged', () => {
    const line = fixtureLines('plain/ansi-colour.log')[0]!;
    const record = parseLine(line, context(), 'json');
    assert.deepEqual(record, {
      ts: CAPTURE_TS,
      received_ts: CAPTURE_TS,
      host: 'peer',
      source: 'gateway',
      message: line,
      fields: { expected_format: 'json' },
      parse_error: true,
    });
  });

  it('flags a cut-off JSON line in auto mode instead of passing it as text', () => {
    const line = fixtureLines('json/pino.jsonl')[0]!.slice(0, 50);
    const record = parseFrame({ text: line, truncated: true, size_bytes: 50 }, context());
    assert.equal(record.parse_error, true);
    assert.equal(record.truncated, true);
    assert.equal(record.message, line);
    assert.deepEqual(record.fields, { expected_format: 'json' });
  });

  it('treats a brace that does not open a JSON object as text', () => {
    const record = parseLine(fixtureLines('plain/ansi-colour.log')[2]!, context());
    assert.equal(record.format, 'plain');
    assert.equal(record.parse_error, undefined);
  });
});

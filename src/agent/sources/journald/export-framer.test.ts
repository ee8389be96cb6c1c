import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { journalJson, journalRecord } from '../../../parse/formats/journal-json.ts';
import { ExportFramer, type ExportEntry } from './export-framer.ts';

// The same seven entries as journalctl 252 printed them with --output=export and --output=json
// (written by systemd-journal-remote: plain, a binary MESSAGE with a newline and a 0xff byte, a
// two-line MESSAGE, a long UTF-8 MESSAGE with container fields, a field given twice).
const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/journald/${name}`, import.meta.url));
const exported = fixture('entries.export');
const jsonLines = fixture('entries.jsonl').toString('utf8').trim().split('\n');
const ctx = { received_ts: 1_800_000_000_000, host: 'node-1', source: 'journald' };

function frame(bytes: Buffer, chunkBytes: number, max = 1024 * 1024): ExportEntry[] {
  const framer = new ExportFramer(max);
  const out: ExportEntry[] = [];
  for (let i = 0; i < bytes.length; i += chunkBytes)
    out.push(...framer.push(bytes.subarray(i, i + chunkBytes)));
  out.push(...framer.flush());
  return out;
}

describe('journal export format framing', () => {
  for (const chunk of [1, 7, 100, exported.length]) {
    it(`gives the records journalctl's JSON gives, in chunks of ${chunk} bytes`, () => {
      const entries = frame(exported, chunk);
      assert.equal(entries.length, jsonLines.length);
      entries.forEach((entry, i) => {
        assert.equal(entry.truncated, false);
        assert.deepEqual(journalRecord(entry.fields, ctx), journalJson.parse(jsonLines[i]!, ctx));
      });
    });
  }

  it('keeps binary values, newlines and repeated fields', () => {
    const records = frame(exported, 13).map((e) => journalRecord(e.fields, ctx));
    assert.equal(records[3]!.message, 'bin\u0001\ufffd\nz');
    assert.equal(records[4]!.message, 'first line\nsecond line');
    assert.deepEqual(records[5]!.container, {
      id: '0123456789ab'.repeat(5) + 'cdef',
      name: 'web-1',
      image: 'nginx:1.25',
    });
    assert.equal(records[6]!.fields?.TAG, 'a\nb');
    assert.equal(records[6]!.severity, 3);
  });

  it('cuts an entry past the byte limit, flags it, and reads the next ones whole', () => {
    const entries = frame(exported, 64, 1024);
    assert.equal(entries.length, jsonLines.length);
    const long = entries[5]!;
    assert.equal(long.truncated, true);
    assert.ok(Buffer.byteLength(long.fields.MESSAGE ?? '') < 1024);
    assert.ok(long.fields.MESSAGE!.startsWith('caf\u00e9 \u2713 caf'));
    assert.equal(entries[6]!.truncated, false);
    assert.equal(entries[6]!.fields.MESSAGE, 'two tags');
  });

  it('cuts a binary value past the limit and skips the rest of it', () => {
    // 203 bytes leave room for 5 bytes of entry 4's MESSAGE and 7 of entry 5's, both binary fields.
    for (const chunk of [1, 5, exported.length]) {
      const entries = frame(exported, chunk, 203);
      assert.deepEqual(
        entries.map((e) => e.fields.N),
        ['1', '2', '3', '4', '5', '6', '7'],
      );
      assert.equal(entries[4]!.fields.MESSAGE, 'first l');
      assert.equal(entries[4]!.truncated, true);
      assert.equal(entries[3]!.fields.MESSAGE, 'bin\u0001\ufffd');
      assert.equal(entries[3]!.truncated, true);
    }
  });
});

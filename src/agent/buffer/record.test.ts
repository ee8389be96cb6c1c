import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { crc32, crc32Fallback, decodeRecord, encodeHeader, HEADER_BYTES } from './record.ts';

describe('record', () => {
  it('computes the standard CRC-32 check value, natively and in the fallback', () => {
    const check = Buffer.from('123456789');
    assert.equal(crc32(check), 0xcbf43926);
    assert.equal(crc32Fallback(check), 0xcbf43926);
    const data = randomBytes(4096);
    assert.equal(crc32Fallback(data.subarray(100), crc32Fallback(data.subarray(0, 100))), crc32(data));
  });

  it('round-trips id, time and payload, with ids beyond 32 bits', () => {
    const payload = Buffer.from('gzip body');
    const id = 2 ** 40 + 7;
    const record = Buffer.concat([encodeHeader(id, 1_700_000_000_123, payload), payload]);
    const decoded = decodeRecord(record, 0);
    assert.ok(!('error' in decoded));
    assert.equal(decoded.id, id);
    assert.equal(decoded.ts, 1_700_000_000_123);
    assert.equal(decoded.bytes, HEADER_BYTES + payload.length);
    assert.deepEqual(decoded.payload, payload);
  });

  it('rejects any single flipped byte and any cut', () => {
    const payload = randomBytes(64);
    const record = Buffer.concat([encodeHeader(3, 5, payload), payload]);
    for (let i = 0; i < record.length; i++) {
      const damaged = Buffer.from(record);
      damaged[i] = (damaged[i] ?? 0) ^ 0x5a;
      assert.ok('error' in decodeRecord(damaged, 0), `flip at ${i} went unnoticed`);
      assert.ok('error' in decodeRecord(record.subarray(0, i), 0), `cut at ${i} went unnoticed`);
    }
  });
});

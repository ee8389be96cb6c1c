import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricSample } from '../../model/index.ts';
import {
  decodeWriteRequest,
  encodeWriteRequest,
  RemoteWriteError,
  samplesToSeries,
  seriesToSamples,
  snappyCompress,
  snappyUncompress,
} from './index.ts';

const samples: MetricSample[] = [
  { name: 'node_load1', labels: { host: 'a' }, value: 0.5, ts: 1_795_600_000_000 },
  { name: 'node_load1', labels: { host: 'a' }, value: 0.75, ts: 1_795_600_010_000 },
  {
    name: 'node_cpu_seconds_total',
    labels: { host: 'a', mode: 'idle', cpu: '0' },
    value: 1234.5,
    ts: 1_795_600_000_000,
  },
];

describe('remote write codec', () => {
  it('round-trips samples through snappy protobuf, one series per label set with sorted labels', () => {
    const series = samplesToSeries(samples);
    assert.equal(series.length, 2);
    assert.deepEqual(
      series[1]!.labels.map((l) => l.name),
      ['__name__', 'cpu', 'host', 'mode'],
    );
    const wire = snappyCompress(encodeWriteRequest(series));
    const back = seriesToSamples(decodeWriteRequest(snappyUncompress(wire, 1 << 20)));
    assert.deepEqual(back, samples);
  });

  it('keeps negative timestamps and skips fields it does not know', () => {
    const body = encodeWriteRequest([
      { labels: [{ name: '__name__', value: 'x' }], samples: [{ value: -1, timestamp: -5 }] },
    ]);
    // An unknown field 3 (metadata, length-delimited) appended to the request must be skipped.
    const withMetadata = Buffer.concat([body, Buffer.from([0x1a, 0x02, 0x08, 0x01])]);
    assert.deepEqual(seriesToSamples(decodeWriteRequest(withMetadata)), [
      { name: 'x', labels: {}, value: -1, ts: -5 },
    ]);
  });

  it('rejects truncated protobuf, non-snappy data and oversized output with a reason', () => {
    const body = encodeWriteRequest(samplesToSeries(samples));
    assert.throws(() => decodeWriteRequest(body.subarray(0, body.length - 3)), RemoteWriteError);
    assert.throws(() => snappyUncompress(Buffer.from('not snappy at all'), 1 << 20), /not snappy-compressed/);
    assert.throws(() => snappyUncompress(snappyCompress(Buffer.alloc(5000)), 1000), RemoteWriteError);
    assert.throws(
      () => seriesToSamples([{ labels: [], samples: [{ value: 1, timestamp: 1 }] }]),
      /no __name__/,
    );
  });
});

import { compress, uncompress } from 'snappyjs';
import type { MetricSample } from '../../model/metric-sample.ts';
import { ProtoReader, ProtoWriter, WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT } from './protobuf.ts';

/**
 * Prometheus remote write 1.0: a snappy (block format, not framed) compressed protobuf
 * `prometheus.WriteRequest`. The fields used, by number:
 *
 *   WriteRequest { repeated TimeSeries timeseries = 1; }          (metadata = 3 is skipped)
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }   (exemplars, histograms skipped)
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }         (timestamp in ms)
 */
export interface RemoteLabel {
  name: string;
  value: string;
}

export interface RemoteSample {
  value: number;
  timestamp: number;
}

export interface TimeSeries {
  labels: RemoteLabel[];
  samples: RemoteSample[];
}

export class RemoteWriteError extends Error {}

function decodeLabel(r: ProtoReader): RemoteLabel {
  const label = { name: '', value: '' };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_BYTES) label.name = r.string();
    else if (field === 2 && wire === WIRE_BYTES) label.value = r.string();
    else r.skip(wire);
  }
  return label;
}

function decodeSample(r: ProtoReader): RemoteSample {
  const sample = { value: 0, timestamp: 0 };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_FIXED64) sample.value = r.double();
    else if (field === 2 && wire === WIRE_VARINT) sample.timestamp = r.varint();
    else r.skip(wire);
  }
  return sample;
}

function decodeSeries(r: ProtoReader): TimeSeries {
  const series: TimeSeries = { labels: [], samples: [] };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_BYTES) series.labels.push(decodeLabel(r.bytes()));
    else if (field === 2 && wire === WIRE_BYTES) series.samples.push(decodeSample(r.bytes()));
    else r.skip(wire);
  }
  return series;
}

/** Decodes an uncompressed WriteRequest; throws RemoteWriteError on malformed protobuf. */
export function decodeWriteRequest(body: Buffer): TimeSeries[] {
  const r = new ProtoReader(body);
  const out: TimeSeries[] = [];
  try {
    while (!r.done) {
      const { field, wire } = r.tag();
      if (field === 1 && wire === WIRE_BYTES) out.push(decodeSeries(r.bytes()));
      else r.skip(wire);
    }
  } catch (error) {
    throw new RemoteWriteError(`not a valid protobuf WriteRequest: ${(error as Error).message}`);
  }
  return out;
}

export function encodeWriteRequest(series: readonly TimeSeries[]): Buffer {
  const request = new ProtoWriter();
  for (const s of series) {
    const ts = new ProtoWriter();
    for (const label of s.labels) {
      ts.bytes(1, new ProtoWriter().string(1, label.name).string(2, label.value).finish());
    }
    for (const sample of s.samples) {
      ts.bytes(2, new ProtoWriter().double(1, sample.value).int64(2, Math.round(sample.timestamp)).finish());
    }
    request.bytes(1, ts.finish());
  }
  return request.finish();
}

/** Snappy block compression, as remote write requires (`Content-Encoding: snappy`). */
export function snappyCompress(data: Buffer): Buffer {
  return compress(data);
}

/** Throws RemoteWriteError for data that is not Snappy or uncompresses past `maxBytes`. */
export function snappyUncompress(data: Buffer, maxBytes: number): Buffer {
  try {
    return uncompress(data, maxBytes);
  } catch (error) {
    throw new RemoteWriteError(`body is not snappy-compressed: ${(error as Error).message}`);
  }
}

/**
 * Groups samples into series as remote write wants them: `__name__` plus the labels, sorted by name
 * (receivers such as Prometheus reject unsorted labels), one series per distinct label set.
 */
export function samplesToSeries(
  samples: readonly MetricSample[],
  extraLabels: Record<string, string> = {},
): TimeSeries[] {
  const bySeries = new Map<string, TimeSeries>();
  for (const sample of samples) {
    const all: Record<string, string> = { ...extraLabels, ...sample.labels, __name__: sample.name };
    const labels = Object.keys(all)
      .sort()
      .filter((name) => all[name] !== '')
      .map((name) => ({ name, value: all[name]! }));
    const key = labels.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
    let series = bySeries.get(key);
    if (!series) bySeries.set(key, (series = { labels, samples: [] }));
    series.samples.push({ value: sample.value, timestamp: Math.round(sample.ts) });
  }
  for (const series of bySeries.values()) series.samples.sort((a, b) => a.timestamp - b.timestamp);
  return [...bySeries.values()];
}

/** The other way: one MetricSample per sample; a series without `__name__` is an error. */
export function seriesToSamples(series: readonly TimeSeries[]): MetricSample[] {
  const out: MetricSample[] = [];
  for (const s of series) {
    let name: string | undefined;
    const labels: Record<string, string> = {};
    for (const label of s.labels) {
      if (label.name === '__name__') name = label.value;
      else labels[label.name] = label.value;
    }
    if (!name) throw new RemoteWriteError('a time series has no __name__ label');
    for (const sample of s.samples) out.push({ name, labels, value: sample.value, ts: sample.timestamp });
  }
  return out;
}

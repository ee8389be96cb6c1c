// Prometheus remote write 1.0 (snappy protobuf WriteRequest), shared by the agent's sink and the
// server's receiver, which may not import each other.
export {
  decodeWriteRequest,
  encodeWriteRequest,
  RemoteWriteError,
  samplesToSeries,
  seriesToSamples,
  snappyCompress,
  snappyUncompress,
  type RemoteLabel,
  type RemoteSample,
  type TimeSeries,
} from './write-request.ts';

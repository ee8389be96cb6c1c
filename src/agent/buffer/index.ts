// The agent's disk buffer: every batch is written here (fsynced) before any source position is
// acknowledged upstream, and removed only after the server acknowledged it. A durable, bounded FIFO
// of opaque entries; it knows nothing about batches. Invariants and on-disk layout: disk-buffer.ts.
export { DiskBuffer, type DiskBufferOptions, type AppendResult, type BufferConsumer } from './disk-buffer.ts';
export { bufferConfigSchema, type BufferConfig, type BufferConfigInput } from './config.ts';
export { BufferError, type BufferErrorCode } from './errors.ts';
export type { BufferStats } from './buffer-stats.ts';
export type { ReadOptions } from './reader.ts';
export type { ReadEntry } from './segment.ts';

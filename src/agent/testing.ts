import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core/logger.ts';
import { Telemetry } from '../core/telemetry.ts';
import { Pipeline, type PipelineOptions } from './pipeline.ts';
import { BatchSequence } from './sequence.ts';
import type { Sink } from './sinks/sink.ts';

/**
 * The real pipeline (disk buffer included) with test-friendly timings, for tests of sources and of
 * the pipeline itself. `stateDir` keeps the sequence and buffer across a simulated restart.
 */
export function openTestPipeline(
  sink: Sink,
  overrides: Partial<PipelineOptions> & { stateDir?: string } = {},
): Promise<Pipeline> {
  const { stateDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-pipeline-')), ...rest } = overrides;
  return Pipeline.open({
    id: 'default',
    sink,
    sequence: new BatchSequence(stateDir),
    hostName: 'node-1',
    version: 'test',
    telemetry: new Telemetry(),
    log: createLogger('silent', 'json'),
    bufferDir: path.join(stateDir, 'buffer'),
    maxQueueEvents: 1000,
    batchMaxEvents: 100,
    batchMaxWaitMs: 20,
    retryInitialBackoffMs: 5,
    retryMaxBackoffMs: 20,
    ...rest,
  });
}

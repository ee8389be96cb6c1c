import { BirdseyeError } from '../core/errors.ts';
import { kind, number, object, Problems, string, type Obj } from './check.ts';
import { checkClusterEvent, type ClusterEvent } from './cluster-event.ts';
import { checkLogRecord, type LogRecord } from './log-record.ts';
import { checkMetricSample, type MetricSample } from './metric-sample.ts';

/**
 * One shipment from an agent to the server. `batch_id` is `<agent_id>:<seq>`; the server stores a
 * batch id at most once, so an agent may resend a batch whose response it never saw.
 */
export interface IngestBatch {
  batch_id: string;
  agent_id: string;
  seq: number;
  host: string;
  agent_version?: string;
  sent_ts: number;
  metrics: MetricSample[];
  logs: LogRecord[];
  events: ClusterEvent[];
}

const KEYS = new Set([
  'batch_id',
  'agent_id',
  'seq',
  'host',
  'agent_version',
  'sent_ts',
  'metrics',
  'logs',
  'events',
]);

export function batchId(agentId: string, seq: number): string {
  return `${agentId}:${seq}`;
}

function list(
  batch: Obj,
  key: string,
  check: (v: unknown, path: PropertyKey[], p: Problems) => void,
  p: Problems,
): void {
  const value = batch[key];
  if (value === undefined) {
    batch[key] = [];
    return;
  }
  if (!Array.isArray(value)) return p.add([key], `expected an array, got ${kind(value)}`);
  for (let i = 0; i < value.length; i++) check(value[i], [key, i], p);
}

/**
 * Validates an untrusted batch (parsed JSON, which it may complete with empty lists); the error
 * names every wrong key, e.g. `metrics[3].value`, ten at most.
 */
export function parseIngestBatch(input: unknown): IngestBatch {
  const p = new Problems();
  if (object(input, KEYS, [], p)) {
    string(input, 'batch_id', [], p, { min: 3, max: 200 });
    string(input, 'agent_id', [], p, { min: 1, max: 100 });
    number(input, 'seq', [], p, { int: true, min: 0 });
    string(input, 'host', [], p, { min: 1 });
    string(input, 'agent_version', [], p, { optional: true });
    number(input, 'sent_ts', [], p, { min: 0 });
    list(input, 'metrics', checkMetricSample, p);
    list(input, 'logs', checkLogRecord, p);
    list(input, 'events', checkClusterEvent, p);
    if (p.ok && input.batch_id !== `${String(input.agent_id)}:${String(input.seq)}`) {
      p.add(['batch_id'], 'must be "<agent_id>:<seq>"');
    }
  }
  if (!p.ok) {
    const more = p.total > p.shown.length ? `\n… and ${p.total - p.shown.length} more` : '';
    throw new BirdseyeError('BE_BATCH_INVALID', `invalid batch:\n${p.shown.join('\n')}${more}`);
  }
  return input as IngestBatch;
}
